"""Build the Cython extensions of hilander.

The three packages live in top-level folders (controller/, sim/, hil/) that
install as hilander.controller, hilander.sim and hilander.hil. Cython resolves
``cimport hilander.controller._law`` by path, so the build makes a small
include tree, build/cython-include/hilander/{controller,sim}, of links to the
real folders.

Environment switches:
  HILANDER_CYTHON_DEBUG=1   bounds checking, wraparound and C asserts on (slower)
  HILANDER_CYTHON_ANNOTATE=1 write cython -a HTML next to each .pyx
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

ROOT = Path(__file__).parent.resolve()
DEBUG = os.environ.get("HILANDER_CYTHON_DEBUG") == "1"


def cython_include_tree() -> Path:
    include = ROOT / "build" / "cython-include"
    package = include / "hilander"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.pxd").touch()
    for name in ("controller", "sim"):
        link = package / name
        if not link.exists():
            link.symlink_to(ROOT / name, target_is_directory=True)
    return include


def extension(module: str, folder: str) -> Extension:
    return Extension(
        f"hilander.{folder}.{module}",
        [f"{folder}/{module}.pyx"],
        include_dirs=[numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=["-O3", "-fno-math-errno", "-fno-fast-math", "-ffp-contract=off"],
    )


EXTENSIONS = [
    extension("_guidance", "controller"),
    extension("_convex", "controller"),
    extension("_cvx_rows", "controller"),
    extension("_cvx_search", "controller"),
    extension("_track", "controller"),
    extension("_plan", "controller"),
    extension("_approach", "controller"),
    extension("_sites", "controller"),
    extension("_touchdown", "controller"),
    extension("_throttle", "controller"),
    extension("_airbags", "controller"),
    extension("_allocate", "controller"),
    extension("_attitude", "controller"),
    extension("_law", "controller"),
    extension("_core", "controller"),
    extension("_rng", "sim"),
    extension("_rigid", "sim"),
    extension("_plant", "sim"),
    extension("_sensors", "sim"),
    extension("_sixdof", "sim"),
    extension("_world", "sim"),
    extension("_loop", "sim"),
]

DIRECTIVES = {
    "language_level": "3",
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    "cdivision": not DEBUG,
    "embedsignature": True,
}

setup(
    ext_modules=cythonize(
        EXTENSIONS,
        include_path=[str(cython_include_tree())],
        compiler_directives=DIRECTIVES,
        annotate=os.environ.get("HILANDER_CYTHON_ANNOTATE") == "1",
    )
)
