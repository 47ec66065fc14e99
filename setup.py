# The version is read from the package source, not imported, so that building
# needs nothing but setuptools; everything else is in setup.cfg.
import io
import os
import re

from setuptools import setup

here = os.path.dirname(os.path.abspath(__file__))
with io.open(os.path.join(here, "src", "secureshim", "__init__.py"), encoding="utf-8") as f:
    version = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M).group(1)

setup(version=version)
