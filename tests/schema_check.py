"""A small JSON Schema (draft-07 subset) validator for the diagnostics schema.

``jsonschema`` does not install on every interpreter of the matrix, so the
tests use this. It knows exactly the keywords docs/diagnostics.schema.json
uses and rejects any other, so the schema cannot grow a keyword that would
silently go unchecked.
"""
from __future__ import absolute_import, division, print_function

import sys

ANNOTATIONS = frozenset(["$schema", "$id", "title", "description", "definitions"])
KEYWORDS = frozenset([
    "$ref", "oneOf", "type", "enum", "properties", "required",
    "additionalProperties", "items", "minimum", "maximum",
]) | ANNOTATIONS

if sys.version_info[0] == 2:
    _STRINGS = (str, unicode)  # noqa: F821
    _INTS = (int, long)  # noqa: F821
else:
    _STRINGS = (str,)
    _INTS = (int,)


class SchemaError(ValueError):
    """The instance does not match (message says where and why)."""


def _is_type(value, name):
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, _STRINGS)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return isinstance(value, _INTS) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, _INTS + (float,)) and not isinstance(value, bool)
    if name == "null":
        return value is None
    raise SchemaError("unknown type %r in schema" % name)


def _resolve(root, ref):
    if not ref.startswith("#/"):
        raise SchemaError("only local $ref is supported: %r" % ref)
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def validate(instance, schema, root=None, path="$"):
    """Raise SchemaError if ``instance`` does not match ``schema``."""
    root = schema if root is None else root
    unknown = set(schema) - KEYWORDS
    if unknown:
        raise SchemaError("schema at %s uses unsupported keywords %s" % (path, sorted(unknown)))
    if "$ref" in schema:
        validate(instance, _resolve(root, schema["$ref"]), root, path)
    if "oneOf" in schema:
        matches = 0
        errors = []
        for option in schema["oneOf"]:
            try:
                validate(instance, option, root, path)
            except SchemaError as exc:
                errors.append(str(exc))
            else:
                matches += 1
        if matches != 1:
            raise SchemaError("%s matches %d of the oneOf schemas: %s" % (path, matches, errors))
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(instance, name) for name in types):
            raise SchemaError("%s: %r is not of type %s" % (path, instance, types))
    if "enum" in schema:
        # bool is an int in Python: compare types too, as JSON does.
        if not any(instance == option and isinstance(instance, bool) == isinstance(option, bool)
                   for option in schema["enum"]):
            raise SchemaError("%s: %r is not one of %r" % (path, instance, schema["enum"]))
    if "minimum" in schema and _is_type(instance, "number") and instance < schema["minimum"]:
        raise SchemaError("%s: %r < minimum %r" % (path, instance, schema["minimum"]))
    if "maximum" in schema and _is_type(instance, "number") and instance > schema["maximum"]:
        raise SchemaError("%s: %r > maximum %r" % (path, instance, schema["maximum"]))
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in instance:
                raise SchemaError("%s: missing required property %r" % (path, name))
        extra = schema.get("additionalProperties", True)
        for name, value in instance.items():
            where = "%s.%s" % (path, name)
            if name in properties:
                validate(value, properties[name], root, where)
            elif extra is False:
                raise SchemaError("%s: property %r is not in the schema" % (path, name))
            elif isinstance(extra, dict):
                validate(value, extra, root, where)
    if isinstance(instance, list) and "items" in schema:
        for index, value in enumerate(instance):
            validate(value, schema["items"], root, "%s[%d]" % (path, index))
