import json, sys
def st(layers, pos=(100,80,10.5), scale=1.0, bg=None, extra=None):
    s = {"dimensions":{"x":[4e-9,"m"],"y":[4e-9,"m"],"z":[4e-8,"m"]},
         "position":list(pos),"crossSectionScale":scale,"layers":layers,
         "layout":"xy","showAxisLines":False,"showScaleBar":False,"showDefaultAnnotations":False}
    if bg: s["crossSectionBackgroundColor"]=bg
    if extra: s.update(extra)
    return s
def layer(name, anns, color=None, **kw):
    l={"type":"annotation","source":"local://annotations","name":name,"annotations":anns}
    if color: l["annotationColor"]=color
    l.update(kw); return l
n=[0]
def nid():
    n[0]+=1; return "a%d"%n[0]
def pt(x,y,z): return {"type":"point","point":[x,y,z],"id":nid()}
def ln(a,b): return {"type":"line","pointA":list(a),"pointB":list(b),"id":nid()}
def box(a,b): return {"type":"axis_aligned_bounding_box","pointA":list(a),"pointB":list(b),"id":nid()}
def ell(c,r): return {"type":"ellipsoid","center":list(c),"radii":list(r),"id":nid()}
cases={}
# view: 512x384, pos (100,80): x range 100-256..100+256 = -156..356, y -112..272
cases["points_plane"]=st([layer("p",[pt(20,20,10.5),pt(40.5,20.5,10.5),pt(60.25,20.75,10.5),pt(80.1,20.3,10.5),pt(100,80,10.5),pt(0.7,50.2,10.5),pt(-100,-50,10.5),pt(300.6,200.4,10.5),pt(30,30,10.5),pt(33,31,10.5)])])
cases["points_depth"]=st([layer("p",[pt(-100+i*20,40,10.5+dz) for i,dz in enumerate([0,0.05,0.1,0.25,0.4,0.5,0.6,0.75,0.9,0.99,1.0,1.01,1.5,-0.25,-0.5,-0.75,-0.99,-1.0])])])
cases["points_color_zoom"]=st([layer("p",[pt(100,80,10.5),pt(110.3,85.7,10.5),pt(90,70,10.7),pt(50,50,10.2),pt(130.5,60.5,10.5)],color="#ff00ff")],scale=0.37,bg="#203040")
cases["lines"]=st([layer("l",[ln((0,0,10.5),(60,10,10.5)),ln((10,30,10.5),(10,90,10.5)),ln((30,40,10.5),(90,40,10.5)),ln((20.3,60.7,10.5),(70.2,120.4,10.5)),
    ln((120,0,5.5),(220,60,15.5)),ln((150,100,10.5),(150,100,20)),ln((200,150,9.5),(260,200,11.5)),ln((-50,-50,12),(0,-20,14)),ln((-100,100,10.5),(-99.6,100.2,10.5)),ln((-120,150,10.2),(-60,200,10.8))])])
cases["boxes"]=st([layer("b",[box((0,0,5),(60,40,15)),box((80.3,10.6,10),(140.7,50.2,11)),box((-50,-50,11),(-10,-10,20)),box((160,60,12),(100,120,8)),
    box((-100,100,10.5),(-40,150,10.5)),box((200,100,10.5),(250,150,14)),box((200,180,7),(250,220,10.5)),box((-140,-100,10.4),(-120,-80,10.6))])])
cases["ellipsoids"]=st([layer("e",[ell((50,50,10.5),(30,20,3)),ell((150,60,12),(25,25,2)),ell((-50,100,10.5),(10.3,40.7,1)),ell((220,200,10.5),(5,5,0.5)),ell((-80,-50,14),(20,20,2)),ell((60,180,10.5),(50,15,0.01))])])
cases["two_layers"]=st([layer("a",[box((20,20,5),(120,100,15)),pt(50,50,10.5),ell((90,70,10.5),(30,30,2))],color="#00ffff"),
                        layer("b",[ln((0,0,10.5),(150,120,10.5)),pt(60,50,10.5),ell((70,60,10.5),(25,15,3))])],bg="#000000")
cases["mixed_zoom2"]=st([layer("m",[pt(100,80,10.5),ln((60,60,10.5),(140,100,10.5)),box((50,50,10),(150,110,11)),ell((100,80,10.5),(20,10,1))],color="#ff8000")],scale=2.0)
cases["mixed_zoom_small"]=st([layer("m",[pt(100,80,10.5),pt(102,81,10.5),ln((60,60,10.5),(140,100,10.5)),box((50,50,10),(150,110,11)),ell((100,80,10.5),(20,10,1))],color="#80ff40")],scale=0.25)
for k,v in cases.items():
    json.dump(v,open(k+".state.json","w"),indent=1)
