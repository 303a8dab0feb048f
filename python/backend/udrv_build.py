# SPDX-License-Identifier: MIT
"""The PEP 517 build backend of the udrv binding, in the tree.

A pure-Python package needs no more than a zip file with the right names
in it, and a backend that ships with the source needs nothing from a
package index: `pip install ./python` works offline, in a bare venv (no
setuptools, no wheel) and with build isolation.  PEP 660 editable
installs (pip install -e) get a .pth file pointing here."""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "udrv"


def _project():
    """name, version, description, requires-python of pyproject.toml's
    [project] table (plain `key = "value"` lines)."""
    with open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    table = re.search(r"^\[project\]\n(.*?)(?=^\[|\Z)", text, re.M | re.S).group(1)
    meta = dict(re.findall(r'^([\w-]+)\s*=\s*"([^"]*)"', table, re.M))
    return meta


def _metadata():
    m = _project()
    lines = ["Metadata-Version: 2.1", f"Name: {m['name']}", f"Version: {m['version']}",
             f"Summary: {m.get('description', '')}", "License: MIT"]
    if "requires-python" in m:
        lines.append(f"Requires-Python: {m['requires-python']}")
    return m, "\n".join(lines) + "\n"


def _files():
    root = os.path.join(HERE, PACKAGE)
    for name in sorted(os.listdir(root)):
        if name.endswith(".py"):
            yield f"{PACKAGE}/{name}", os.path.join(root, name)


def _wheel(wheel_directory, contents):
    """contents: [(archive name, bytes)]; adds the dist-info, returns the name."""
    m, metadata = _metadata()
    dist = f"{m['name']}-{m['version']}"
    info = f"{dist}.dist-info"
    contents = list(contents) + [
        (f"{info}/METADATA", metadata.encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: udrv_build\n"
                          b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = []
    for name, data in contents:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(data)}")
    record.append(f"{info}/RECORD,,")
    contents.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    filename = f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w",
                         zipfile.ZIP_DEFLATED) as z:
        for name, data in contents:
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return filename


def get_requires_for_build_wheel(config_settings=None):
    return []


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = []
    for name, path in _files():
        with open(path, "rb") as f:
            files.append((name, f.read()))
    return _wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, [(f"_{PACKAGE}_editable.pth", (HERE + "\n").encode())])


def build_sdist(sdist_directory, config_settings=None):
    m, metadata = _metadata()
    dist = f"{m['name']}-{m['version']}"
    filename = f"{dist}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as t:
        for top in ("pyproject.toml", "README.md", "backend", PACKAGE):
            t.add(os.path.join(HERE, top), f"{dist}/{top}",
                  filter=lambda i: None if "__pycache__" in i.name else i)
        data = metadata.encode()
        info = tarfile.TarInfo(f"{dist}/PKG-INFO")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return filename
