import json, random
random.seed(11)
exec(open('make_states.py').read().split('cases={}')[0])
def R(a,b): return round(random.uniform(a,b),3)
def mixed(n, zc, dz):
    out=[]
    for i in range(n): out.append(pt(R(0,200),R(0,160),zc+R(-dz,dz)))
    for i in range(n//2): out.append(ln((R(0,200),R(0,160),zc+R(-2*dz,2*dz)),(R(0,200),R(0,160),zc+R(-2*dz,2*dz))))
    for i in range(n//3): out.append(box((R(0,200),R(0,160),zc+R(-3,0)),(R(0,200),R(0,160),zc+R(0,3))))
    for i in range(n//3): out.append(ell((R(0,200),R(0,160),zc+R(-dz,dz)),(R(3,40),R(3,40),R(0.3,2))))
    random.shuffle(out); return out
cases={}
s=st([layer("a",mixed(12,10.5,1.0),color="#c040ff")],pos=(101.37,77.21,10.5),scale=1.7)
s["dimensions"]={"x":[8e-9,"m"],"y":[4e-9,"m"],"z":[4e-8,"m"]}
cases["blind2_aniso"]=s
s=st([layer("a",mixed(12,10.5,0.4)),layer("b",mixed(9,10.5,0.4),color="#00ff80")],pos=(100,80,10.5),scale=1.0,bg="#102030")
cases["blind2_two"]=s
for k,v in cases.items(): json.dump(v,open(k+".state.json","w"),indent=1)
# blind2_two split by annotation type (split_poin, split_line, split_axis, split_elli), shot at
# 640x480 like blind2_two.
for t in ['point','line','axis_aligned_bounding_box','ellipsoid']:
    u=json.loads(json.dumps(cases["blind2_two"]))
    for l in u['layers']: l['annotations']=[a for a in l['annotations'] if a['type']==t]
    json.dump(u,open('split_%s.state.json'%t[:4],'w'))
