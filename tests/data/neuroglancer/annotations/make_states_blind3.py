import json, random
random.seed(2026)
exec(open('make_states.py').read().split('cases={}')[0])
def R(a,b): return round(random.uniform(a,b),3)
def mixed(n, zc, dz):
    out=[]
    for i in range(n): out.append(pt(R(0,200),R(0,160),zc+R(-dz,dz)))
    for i in range(n//2): out.append(ln((R(0,200),R(0,160),zc+R(-2*dz,2*dz)),(R(0,200),R(0,160),zc+R(-2*dz,2*dz))))
    for i in range(n//3):
        y=R(0,160); x=R(0,200)
        out.append(ln((x,y,zc),(x+R(5,60),y,zc)))   # axis-aligned lines with fractional ends
        out.append(ln((x,y,zc),(x,y+R(5,60),zc)))
    for i in range(n//2): out.append(box((R(0,200),R(0,160),zc+R(-3,0)),(R(0,200),R(0,160),zc+R(0,3))))
    for i in range(n//3): out.append(ell((R(0,200),R(0,160),zc+R(-dz,dz)),(R(3,40),R(3,40),R(0.3,2))))
    random.shuffle(out); return out
cases={}
cases["blind3_white"]=st([layer("a",mixed(15,10.5,0.6),color="#3366cc")],pos=(100.5,80.25,10.5),scale=0.6,bg="#ffffff")
cases["blind3_wide"]=st([layer("a",mixed(12,10.5,0.8)),layer("b",mixed(9,10.5,0.3),color="#ff4080")],pos=(99.9,79.3,10.5),scale=2.3,bg="#102030")
for k,v in cases.items(): json.dump(v,open(k+".state.json","w"),indent=1)
# blind4_a/blind4_b: make_states_blind4.py is this file with seed 99, other positions, zooms and
# backgrounds, shot at 500x420. blind3_* were shot at 512x384 (white) and 600x300 (wide).
