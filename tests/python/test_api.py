"""The package's names: ImageryClient's arguments and defaults (1.0.3) as inspect sees them, the
stubs naming everything exported, and docstrings on every public name (notebook help)."""

import ast
import inspect
import pathlib

import imagery

IMAGERYCLIENT_1_0_3 = {
    "ImageryClient.__init__": "client=None, resolution=None, segmentation=True, imagery=True, "
    "image_source=None, segmentation_source=None, image_mip=None, segmentation_mip=None, "
    "auth_token=None, timestamp=None",
    "ImageryClient.image_cutout": "bounds, bbox_size=None, image_size=None, mip=None, "
    "resolution=None, scale_to_bounds=None",
    "ImageryClient.segmentation_cutout": "bounds, root_ids='all', bbox_size=None, "
    "image_size=None, mip=None, resolution=None, timestamp=None, scale_to_bounds=None, "
    "convert_to_int64=True",
    "ImageryClient.split_segmentation_cutout": "bounds, root_ids='all', include_null_root=False, "
    "bbox_size=None, image_size=None, mip=None, resolution=None, timestamp=None, "
    "scale_to_bounds=None",
    "ImageryClient.image_and_segmentation_cutout": "bounds, image_mip=None, "
    "segmentation_mip=None, root_ids='all', resize=True, split_segmentations=False, "
    "include_null_root=False, bbox_size=None, resolution=None, timestamp=None, "
    "scale_to_bounds=None, convert_to_int64=True",
    "ImageryClient.image_bbox_size_from_dimensions": "image_size, mip=None, resolution=None",
    "composite_overlay": "segs, colors=None, alpha=0.2, imagery=None, outline=False, "
    "merge_outline=True, overlap=True, width=10, side='out', dim=2, palette='husl', h=0.01, "
    "l=0.65, s=1.0",
    "stack_images": "images, direction='horizontal', spacing=10",
    "bounds_from_center": "ctr, width=1, height=1, depth=1",
    "discrete_colors": "segs, palette='husl', h=0.01, l=0.65, s=1.0",
}


def parameters(obj):
    params = [p for p in inspect.signature(obj).parameters.values() if p.name != "self"]
    out = []
    for p in params:
        out.append(p.name if p.default is inspect.Parameter.empty else
                   "%s=%r" % (p.name, p.default))
    return ", ".join(out)


def test_imageryclients_arguments_come_first_in_its_order():
    for name, expected in IMAGERYCLIENT_1_0_3.items():
        obj = imagery
        for part in name.split("."):
            obj = getattr(obj, part)
        got = parameters(obj)
        # Ours may add keyword arguments after ImageryClient's own (datastack_name, progress...).
        assert got.startswith(expected), "%s(%s), expected (%s, ...)" % (name, got, expected)


def test_the_issues_constructor_names_are_accepted():
    names = inspect.signature(imagery.ImageryClient).parameters
    for n in ("image_source", "segmentation_source", "resolution", "image_mip",
              "segmentation_mip", "datastack_name", "server_address", "auth_token", "timestamp"):
        assert n in names


def test_the_stubs_name_everything_exported_and_everything_has_help():
    stub = pathlib.Path(imagery.__file__).with_name("__init__.pyi")
    tree = ast.parse(stub.read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stubbed |= {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom)
                for a in n.names}
    for name in imagery.__all__:
        assert name in stubbed, name
        assert inspect.getdoc(getattr(imagery, name)), name
    for name, member in inspect.getmembers(imagery.ImageryClient):
        if not name.startswith("_") and callable(member):
            assert inspect.getdoc(member), "ImageryClient.%s" % name
