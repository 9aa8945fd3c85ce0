"""Field descriptions from attribute docstrings, read once per module.

Every model documents its fields with a docstring under the attribute, as pydantic's
``use_attribute_docstrings`` reads them. pydantic finds each class's source on its own
(tokenising from the class's first line to its end, then parsing it): about 0.15 s of a
command's start-up for the package's models. Here each module's source is parsed once and the
descriptions of all its classes are taken from that one tree, with pydantic's rule: a string
statement right after an annotated name in the class body, cleaned as ``inspect.cleandoc``
does. An explicit ``Field(description=...)`` wins. Without source (a frozen application),
fields have no description, as with pydantic.

Models derive from `DescribedModel`, which calls `describe_fields` for each subclass and
defers building validators (``defer_build=True``), so that the descriptions are in place
before the schema that carries them into JSON Schema is built.
"""

from __future__ import annotations

import ast
import inspect
import sys
from functools import cache
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["DescribedModel", "describe_fields"]


class DescribedModel(BaseModel):
    """Base of the package's models: field descriptions from the docstrings under the fields.

    Validators are built on a model's first use (``defer_build``), after the descriptions
    are in place; that also keeps start-up short for the models a command never uses.
    """

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        describe_fields(cls)


def describe_fields(cls: Any) -> None:
    """Give the fields of pydantic model ``cls`` the docstrings written under them."""
    docs = _module_docs(cls.__module__).get(cls.__qualname__)
    if not docs:
        return
    for name, field in cls.__pydantic_fields__.items():
        if field.description is None and name in docs:
            field.description = docs[name]
    if cls.__pydantic_complete__:  # built already: build again with the descriptions
        cls.model_rebuild(force=True)


@cache
def _module_docs(module_name: str) -> dict[str, dict[str, str]]:
    """Attribute docstrings of every class in a module, by qualified class name."""
    module = sys.modules.get(module_name)
    try:
        source = inspect.getsource(module) if module is not None else ""
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return {}
    found: dict[str, dict[str, str]] = {}
    _collect(tree.body, "", found)
    return found


def _collect(body: list[ast.stmt], prefix: str, found: dict[str, dict[str, str]]) -> None:
    for node in body:
        if isinstance(node, ast.ClassDef):
            qualname = prefix + node.name
            found[qualname] = _class_docs(node.body)
            _collect(node.body, qualname + ".", found)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _collect(node.body, f"{prefix}{node.name}.<locals>.", found)


def _class_docs(body: list[ast.stmt]) -> dict[str, str]:
    docs: dict[str, str] = {}
    for previous, node in pairwise(body):
        if (
            isinstance(previous, ast.AnnAssign)
            and isinstance(previous.target, ast.Name)
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            docs[previous.target.id] = inspect.cleandoc(node.value.value)
    return docs
