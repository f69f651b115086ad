# Sourced by benchmark run scripts: start_nginx ROOT starts nginx on 127.0.0.1 at a free port
# (NGINX_URL is set), serving NAME.gz as NAME with Content-Encoding: gzip; it stops on exit.
start_nginx() {
  local root="$1"
  NGINX_PREFIX="$(mktemp -d)"
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))"
  cat > "$NGINX_PREFIX/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
error_log $NGINX_PREFIX/error.log warn;
pid $NGINX_PREFIX/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $NGINX_PREFIX/body;
  proxy_temp_path $NGINX_PREFIX/proxy;
  fastcgi_temp_path $NGINX_PREFIX/fastcgi;
  uwsgi_temp_path $NGINX_PREFIX/uwsgi;
  scgi_temp_path $NGINX_PREFIX/scgi;
  default_type application/octet-stream;
  sendfile on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$port;
    root $root;
    location / { gzip_static always; gunzip on; }
  }
}
CONF
  /usr/sbin/nginx -p "$NGINX_PREFIX" -c "$NGINX_PREFIX/nginx.conf" -e "$NGINX_PREFIX/error.log" &
  NGINX_PID=$!
  trap 'kill $NGINX_PID 2>/dev/null; wait $NGINX_PID 2>/dev/null; rm -rf "$NGINX_PREFIX"' EXIT
  for _ in $(seq 100); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then break; fi
    sleep 0.05
  done
  NGINX_URL="http://127.0.0.1:$port"
}
