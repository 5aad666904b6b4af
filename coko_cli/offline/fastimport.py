"""Import the provider SDKs faster in the offline preview: postponed annotations, cached bytecode.

Profiling a cold `coko preview production capetown` (python -X importtime, cProfile) showed
that most of the time went to executing pulumi-aws's generated ``_inputs.py``/``outputs.py``
modules (wafv2's alone is 2.8 MB): every property getter's return annotation
(``Optional[pulumi.Input[Sequence[...]]]``) is evaluated when the class is built. The SDK reads
those annotations with ``typing.get_type_hints`` and the module's globals, so string
annotations (PEP 563, ``from __future__ import annotations``) resolve to the same types when —
and only if — a value is deserialised into an output type.

So, while the offline runner is loaded, the provider packages are compiled with
``CO_FUTURE_ANNOTATIONS`` and the code objects are cached (marshal, keyed by interpreter magic,
file size and mtime) under ``$COKO_CACHE_DIR`` or ``~/.cache/coko``. The first run compiles (a
few seconds, once per installed version); the installed package and its own ``__pycache__`` are
never touched. ``COKO_FAST_IMPORT=0`` turns it off.

A namespace package (``pulumi_aws.ec2``) is only ``from .<module> import *`` lines, one per
resource of the service (ec2 has hundreds): executing it loads them all although a program
uses a few. Its replacement loads a resource module on first use of one of its names (PEP 562
module ``__getattr__``), from a name -> module index read off the modules' ``__all__`` lists
and cached like the bytecode. A namespace whose ``__init__.py`` does anything else loads as is.
"""

from __future__ import annotations
import __future__ as future_flags

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

# Generated provider SDKs only: their annotations are type hints and nothing else.
PACKAGES = frozenset({"pulumi_aws", "pulumi_docker", "pulumi_random", "pulumi_digitalocean"})


def cache_dir() -> Path:
    base = os.environ.get("COKO_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "coko")
    return Path(base) / f"bytecode-{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}"


class _PostponedAnnotationsLoader(importlib.machinery.SourceFileLoader):
    """SourceFileLoader whose code objects have PEP 563 annotations, cached outside the package."""

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        stat = os.stat(path)
        cached = cache_dir() / f"{fullname}-{stat.st_size}-{stat.st_mtime_ns}.bin"
        try:
            code = marshal.loads(cached.read_bytes())
            if isinstance(code, CodeType):
                return code
        except (OSError, ValueError, EOFError, TypeError):
            pass
        code = compile(self.get_data(path), path, "exec", flags=future_flags.annotations.compiler_flag, dont_inherit=True)
        _write(cached, marshal.dumps(code))
        return code


_STAR_IMPORT = re.compile(r"from \.(\w+) import \*")
_ALLOWED_LINES = frozenset({"import builtins as _builtins", "from .. import _utilities", "import typing", "from . import outputs"})
_ALL_LIST = re.compile(r"^__all__ = \[(.*?)\]", re.S | re.M)


def _namespace_index(init: Path) -> dict[str, str] | None:
    """exported name -> submodule for a star-import-only ``__init__.py``; None if it is not one."""
    stat = init.stat()
    cached = cache_dir() / f"index-{hashlib.sha256(str(init).encode()).hexdigest()[:16]}-{stat.st_size}-{stat.st_mtime_ns}.json"
    try:
        loaded: dict[str, str] | None = json.loads(cached.read_text())
        return loaded
    except (OSError, ValueError):
        pass
    index: dict[str, str] | None = {}
    for line in init.read_text().splitlines():
        line = line.strip()
        star = _STAR_IMPORT.fullmatch(line)
        if star and index is not None:
            found = _ALL_LIST.search((init.parent / f"{star.group(1)}.py").read_text())
            if found is None:
                index = None  # exports every public name: only executing it tells which
                continue
            for name in re.findall(r"'(\w+)'", found.group(1)):
                index.setdefault(name, star.group(1))
        elif line and not line.startswith("#") and line not in _ALLOWED_LINES:
            index = None
    _write(cached, json.dumps(index).encode())
    return index


class _LazyNamespaceLoader(_PostponedAnnotationsLoader):
    """Executes a namespace package as a name -> submodule index instead of star imports."""

    def __init__(self, fullname: str, path: str, index: dict[str, str]) -> None:
        super().__init__(fullname, path)
        self.index = index

    def exec_module(self, module: ModuleType) -> None:
        index, package = self.index, module.__name__

        def __getattr__(name: str) -> Any:
            if name not in index:  # a submodule (outputs, a resource module) or nothing
                try:
                    return importlib.import_module(f"{package}.{name}")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{package}.{name}":
                        raise
                    raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
            value = getattr(importlib.import_module(f"{package}.{index[name]}"), name)
            setattr(module, name, value)
            return value

        module.__getattr__ = __getattr__  # type: ignore[method-assign]
        module.__all__ = sorted(index)  # type: ignore[attr-defined]


def _write(path: Path, data: bytes) -> None:
    """Atomic write; a read-only or full cache directory only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        pass


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] not in PACKAGES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return spec
        init = Path(spec.loader.path)
        index = _namespace_index(init) if fullname.count(".") == 1 and init.name == "__init__.py" else None
        if index is not None:
            spec.loader = _LazyNamespaceLoader(spec.loader.name, spec.loader.path, index)
        else:
            spec.loader = _PostponedAnnotationsLoader(spec.loader.name, spec.loader.path)
        return spec


def _fast_is_empty_function() -> None:
    """``pulumi.getter`` asks, for each of ~40,000 getters, whether the body is empty by building a
    tuple of its constants first; compare the (cheap) bytecode first, then the constants."""
    from pulumi import _utils

    original = _utils.is_empty_function
    if getattr(original, "__coko_fast__", False):
        return
    empty_codes = {f.__code__.co_code for f in (_utils._empty, _utils._empty_doc, _utils._empty_lambda, _utils._empty_lambda_doc)}

    def is_empty_function(fn: object) -> bool:
        code = getattr(fn, "__code__", None)
        return code is not None and code.co_code in empty_codes and original(fn)  # type: ignore[arg-type]

    is_empty_function.__coko_fast__ = True  # type: ignore[attr-defined]
    _utils.is_empty_function = is_empty_function


def _lazy_forward_refs() -> None:
    """Postponed annotations turn every TypedDict field of the SDK (``XArgsDict``) into a
    ``typing.ForwardRef``, whose constructor compiles the annotation right away (a third of the
    import time, profiled). Compile on first evaluation instead; the value is the same."""
    import typing

    forward_ref: Any = typing.ForwardRef
    if getattr(forward_ref, "__coko_lazy__", False):
        return
    slot = forward_ref.__dict__["__forward_code__"]
    original_init = forward_ref.__init__

    def __init__(self: Any, arg: Any, is_argument: bool = True, module: Any = None, *, is_class: bool = False) -> None:
        if not isinstance(arg, str) or not arg or arg[0] == "*":
            original_init(self, arg, is_argument, module, is_class=is_class)
            return
        self.__forward_arg__ = arg
        self.__forward_evaluated__ = False
        self.__forward_value__ = None
        self.__forward_is_argument__ = is_argument
        self.__forward_is_class__ = is_class
        self.__forward_module__ = module

    def forward_code(self: Any) -> CodeType:
        try:
            code: CodeType = slot.__get__(self, forward_ref)
        except AttributeError:
            code = compile(self.__forward_arg__, "<string>", "eval")
            slot.__set__(self, code)
        return code

    forward_ref.__init__ = __init__
    forward_ref.__forward_code__ = property(forward_code)
    forward_ref.__coko_lazy__ = True


def _hint_file(root: Path) -> Path:
    return cache_dir() / f"preload-{hashlib.sha256(str(root).encode()).hexdigest()[:16]}.txt"


def remember_modules(root: Path) -> None:
    """Note which provider-SDK modules this project's program loaded (a hint for the next run)."""
    loaded = sorted(name for name in sys.modules if name.partition(".")[0] in PACKAGES)
    _write(_hint_file(root), "\n".join(loaded).encode())


def preload_modules(root: Path, skip: frozenset[str] = frozenset()) -> int:
    """Load the provider modules the last run of this project used, so forked workers share
    them (the hint only saves time: a stale or missing one changes nothing else). Packages in
    ``skip`` (a cloud none of this run's stacks uses) stay unloaded.

    ``pulumi_aws`` registers every namespace as a lazy module; one counts as used when one of
    its submodules was loaded. Its ``__all__`` lookup executes it (with the lazy namespace
    loader, cheaply) before its submodules are imported, so it is never half-initialised.
    """
    try:
        names = _hint_file(root).read_text().split()
    except OSError:
        return 0
    wanted = [n for n in names if n.partition(".")[0] in PACKAGES - skip and n.count(".") >= 2]
    count = 0
    for name in wanted:
        namespace = ".".join(name.split(".")[:2])
        try:
            hasattr(importlib.import_module(namespace), "__all__")
            importlib.import_module(name)
            count += 1
        except ImportError:
            continue
    return count


def install() -> None:
    """Idempotent; a no-op with COKO_FAST_IMPORT=0."""
    if os.environ.get("COKO_FAST_IMPORT", "1") == "0" or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
    _fast_is_empty_function()
    _lazy_forward_refs()
