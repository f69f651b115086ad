import json, random
random.seed(7)
exec(open('make_states.py').read().split('cases={}')[0])
def R(a,b): return round(random.uniform(a,b),3)
cases={}
# blind: random everything around position, zoom 1.3, depth fade
anns=[]
for i in range(12): anns.append(pt(R(0,200),R(0,160),10.5+R(-1.1,1.1)))
for i in range(8): anns.append(ln((R(0,200),R(0,160),10.5+R(-2,2)),(R(0,200),R(0,160),10.5+R(-2,2))))
for i in range(5):
    a=(R(0,200),R(0,160),R(8,12)); b=(R(0,200),R(0,160),R(8,12)); anns.append(box(a,b))
for i in range(5): anns.append(ell((R(0,200),R(0,160),10.5+R(-1,1)),(R(3,40),R(3,40),R(0.2,2))))
random.shuffle(anns)
cases["blind_random"]=st([layer("r",anns,color="#40c0ff")],pos=(100.3,80.7,10.5),scale=1.3)
anns2=[]
for i in range(10): anns2.append(pt(R(0,200),R(0,160),10.5))
for i in range(6): anns2.append(ln((R(0,200),R(0,160),R(9,12)),(R(0,200),R(0,160),R(9,12))))
for i in range(4): anns2.append(box((R(0,200),R(0,160),R(9,10.5)),(R(0,200),R(0,160),R(10.5,12))))
for i in range(4): anns2.append(ell((R(0,200),R(0,160),10.5),(R(3,30),R(3,30),R(0.5,2))))
cases["blind_square"]=st([layer("s",anns2)],pos=(97,83,10.5),scale=0.8,bg="#ffffff")
# property colour shader
props=[{"id":"color","type":"rgb"}]
pa=[dict(pt(30+i*15,40,10.5),props=["#%02x%02x%02x"%(random.randrange(256),random.randrange(256),random.randrange(256))]) for i in range(8)]
pa.append(dict(ln((20,60,10.5),(160,90,10.5)),props=["#ff0000"]))
pa.append(dict(ell((100,120,10.5),(30,12,1)),props=["#00ff00"]))
pa.append(dict(box((10,100,9),(60,150,12)),props=["#0000ff"]))
cases["prop_color"]=st([layer("pc",pa,shader="void main() {\n  setColor(prop_color());\n}\n",annotationProperties=props)],pos=(100,80,10.5),scale=1)
# image layer under annotations
img={"type":"image","source":"precomputed://http://127.0.0.1:8765/data/cloudvolume/image_raw","name":"img"}
cases["image_under"]=st([img,layer("a",[pt(250,171,30),ln((200,150,30),(300,200,30)),ell((260,180,30),(20,10,2)),box((220,140,28),(280,190,33))])],pos=(250,171,30))
# invisible layer + hidden
cases["hidden_layer"]=st([layer("v",[pt(100,80,10.5)],visible=False),layer("w",[pt(110,80,10.5),pt(110,80,10.5)],color="#ff0000")])
for k,v in cases.items(): json.dump(v,open(k+".state.json","w"),indent=1)
