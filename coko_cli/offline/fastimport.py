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
"""

from __future__ import annotations
import __future__ as future_flags

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
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
        if spec is not None and type(spec.loader) is importlib.machinery.SourceFileLoader:
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
    """Import the modules the last run of this project loaded, so forked workers share them
    (the hint only saves time: a stale or missing one changes nothing else). Packages in ``skip``
    (a cloud none of this run's stacks uses) stay unloaded."""
    try:
        names = _hint_file(root).read_text().split()
    except OSError:
        return 0
    count = 0
    for name in names:
        # Only namespace packages (pulumi_aws.acm): they are lazy modules that load themselves,
        # and their submodules, on first attribute access; importing a submodule directly
        # first would leave the lazy package half-initialised.
        if name.count(".") == 1 and name.partition(".")[0] in PACKAGES - skip and not name.rpartition(".")[2].startswith("_"):
            try:
                getattr(importlib.import_module(name), "__name__", None)
                count += 1
            except (ImportError, AttributeError):
                continue
    return count


def install() -> None:
    """Idempotent; a no-op with COKO_FAST_IMPORT=0."""
    if os.environ.get("COKO_FAST_IMPORT", "1") == "0" or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
    _fast_is_empty_function()
    _lazy_forward_refs()
