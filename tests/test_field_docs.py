"""Field descriptions come from the docstrings under the fields, as pydantic would read them."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field
from pydantic._internal._docs_extraction import extract_docstrings_from_cls
from pydantic.errors import PydanticInvalidForJsonSchema

import sdmx_cso.api  # every model of the package is defined once this is imported
import sdmx_cso.validation  # noqa: F401
from sdmx_cso._field_docs import describe_fields
from sdmx_cso.model._base import CsoModel


def _package_models() -> list[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo = [BaseModel]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    found = [m for m in seen if m.__module__.startswith("sdmx_cso.")]
    return sorted(found, key=lambda m: (m.__module__, m.__qualname__))


MODELS = _package_models()


def test_the_package_has_documented_models() -> None:
    described = sum(f.description is not None for m in MODELS for f in m.model_fields.values())
    assert len(MODELS) > 30
    assert described > 250


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__qualname__)
def test_descriptions_are_pydantics_attribute_docstrings(model: type[BaseModel]) -> None:
    """The same descriptions as ``use_attribute_docstrings``, class by class, field by field."""
    expected: dict[str, str | None] = {}
    docs = extract_docstrings_from_cls(model, use_inspect=True)
    for klass in reversed(model.__mro__):  # inherited fields keep their own class's docstring
        if isinstance(klass, type) and issubclass(klass, BaseModel) and klass is not BaseModel:
            docs_here = extract_docstrings_from_cls(klass, use_inspect=True)
            for name in getattr(klass, "__annotations__", {}):
                if name in docs_here:
                    expected[name] = docs_here[name]
    expected.update(docs)
    for name, field in model.model_fields.items():
        assert field.description == expected.get(name, field.description), (model, name)
        if name in expected:
            assert field.description is not None, (model, name)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__qualname__)
def test_json_schema_carries_the_descriptions(model: type[BaseModel]) -> None:
    """Described fields are described in JSON Schema (a code-list field by its concept's)."""
    try:
        properties = model.model_json_schema(by_alias=True).get("properties", {})
    except PydanticInvalidForJsonSchema:  # a model holding an Arrow table
        pytest.skip("no JSON Schema")
    for name, field in model.model_fields.items():
        prop = properties.get(field.serialization_alias or field.alias or name, {})
        if field.description and "$ref" not in prop:  # pydantic leaves a bare $ref bare
            assert prop.get("description"), (model, name)


def test_explicit_description_wins_and_nested_classes_are_read() -> None:
    def make() -> type[CsoModel]:
        class Local(CsoModel):
            plain: int = 0
            """Docstring of plain."""
            explicit: int = Field(0, description="From Field.")
            """Docstring that loses."""
            undocumented: int = 0
            long: int = 0
            """First line.

            Second paragraph, indented in the source.
            """

        return Local

    local = make()
    fields = local.model_fields
    assert fields["plain"].description == "Docstring of plain."
    assert fields["explicit"].description == "From Field."
    assert fields["undocumented"].description is None
    assert fields["long"].description == "First line.\n\nSecond paragraph, indented in the source."
    assert local.model_json_schema()["properties"]["plain"]["description"] == (
        "Docstring of plain."
    )


def test_a_model_built_already_is_rebuilt_with_its_descriptions() -> None:
    class Built(BaseModel):
        value: int = 0
        """The value."""

    assert Built.__pydantic_complete__
    describe_fields(Built)
    assert Built.model_json_schema()["properties"]["value"]["description"] == "The value."


def test_no_source_means_no_descriptions_and_no_error() -> None:
    namespace: dict[str, object] = {"CsoModel": CsoModel}
    exec("class FromNowhere(CsoModel):\n    x: int = 0\n    'Lost.'\n", namespace)
    model = namespace["FromNowhere"]
    assert isinstance(model, type)
    assert issubclass(model, BaseModel)
    assert model.model_fields["x"].description is None
    assert model(x=1).x == 1
