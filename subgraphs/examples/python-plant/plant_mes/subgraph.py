"""The Federation 2 subgraph: `Device @key(fields: "id")` with the shared fields, `_service` and
`_entities`, executed by graphql-core. Every field checks the request's grant; every value
served from the journal carries its proof (its salt, and the whole value of object fields)."""

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
)
from graphql.language import ast
from promise import Promise

from .errors import GridmarkError
from .mes_store import FACTORY_TEST_MEMBERS, FACTORY_TEST_TYPE, SHARED_FIELDS

FEDERATION_LINK = "https://specs.apollo.dev/federation/v2.3"
_SCALARS = {
    "String": GraphQLString,
    "Float": GraphQLFloat,
    "Int": GraphQLInt,
    "Boolean": GraphQLBoolean,
}


class RequestContext:
    """One request: its grant (or why it was refused), the stores, the proofs collected."""

    def __init__(self, grant, refusal, store, journal):
        self.grant = grant
        self.refusal = refusal
        self.store = store
        self.journal = journal
        self.proof_fields = {}
        self.salts = {}
        self.whole_values = {}

    def require_grant(self):
        """Raises the grant's refusal, if it was refused."""
        if self.refusal is not None:
            raise self.refusal

    def require(self, device_id, field=None):
        """Raises GRANT_REFUSED unless the grant covers the device (and the field)."""
        self.require_grant()
        self.grant.require(device_id, field)

    def add_proof(self, device_id, field, entry, value, is_object):
        """Records the salt of a value served; an object value is also sent whole, since the
        query may have selected only part of it."""
        stated = self.proof_fields.setdefault(field, {"code": entry.field_code})
        if stated["code"] != entry.field_code:
            return  # left without a proof: the gateway withholds it
        self.salts.setdefault(device_id, {})[field] = entry.salt
        if is_object:
            self.whole_values.setdefault(device_id, {})[field] = value

    def proofs(self):
        """What goes to `extensions.gridmark.proofs`, or None when no value has a proof."""
        if not self.salts:
            return None
        proofs = {"fields": self.proof_fields, "salts": self.salts}
        if self.whole_values:
            proofs["values"] = self.whole_values
        return proofs


class Device:
    """A loaded device: its values and its journal entries."""

    def __init__(self, device_id, values, journal_entries):
        self.id = device_id
        self.values = values
        self.entries = journal_entries


def render_sdl(title):
    """The SDL `_service { sdl }` answers: the federation link, `Device` and the system's type."""
    fields = "\n".join(
        f'  """{f.description}"""\n  {f.name}: {f.graphql_type}' for f in SHARED_FIELDS
    )
    members = "\n".join(
        f'  """{description}"""\n  {name}: {member_type}'
        for name, (member_type, description) in FACTORY_TEST_MEMBERS.items()
    )
    return (
        f'extend schema @link(url: "{FEDERATION_LINK}", import: ["@key"])\n\n'
        f'"""A device known by its identifier. Fields below are shared by {title}."""\n'
        'type Device @key(fields: "id") {\n'
        '  "The device identifier, <prefix>/<suffix>."\n'
        "  id: ID!\n"
        f"{fields}\n}}\n\n"
        f'"""An end-of-line test report."""\ntype {FACTORY_TEST_TYPE} {{\n{members}\n}}\n'
    )


def build_schema(sdl):
    """The executable schema; `_service { sdl }` answers `sdl`."""
    factory_test = GraphQLObjectType(
        FACTORY_TEST_TYPE,
        fields={name: GraphQLField(_SCALARS[t]) for name, (t, _) in FACTORY_TEST_MEMBERS.items()},
    )
    types = {**_SCALARS, FACTORY_TEST_TYPE: factory_test}
    device_fields = {"id": GraphQLField(GraphQLNonNull(GraphQLID), resolver=_resolve_id)}
    for field in SHARED_FIELDS:
        device_fields[field.name] = GraphQLField(
            types[field.graphql_type],
            resolver=_field_resolver(field.name, field.graphql_type == FACTORY_TEST_TYPE),
        )
    device = GraphQLObjectType(
        "Device", fields=device_fields, is_type_of=lambda v, *_: isinstance(v, Device)
    )
    entity = GraphQLUnionType("_Entity", types=[device], resolve_type=lambda *_: device)
    any_scalar = GraphQLScalarType(
        "_Any", serialize=lambda v: v, parse_value=lambda v: v, parse_literal=_literal
    )
    service = GraphQLObjectType("_Service", fields={"sdl": GraphQLField(GraphQLString)})
    query = GraphQLObjectType(
        "Query",
        fields={
            "_entities": GraphQLField(
                GraphQLNonNull(GraphQLList(entity)),
                args={
                    "representations": GraphQLArgument(
                        GraphQLNonNull(GraphQLList(GraphQLNonNull(any_scalar)))
                    )
                },
                resolver=_resolve_entities,
            ),
            "_service": GraphQLField(GraphQLNonNull(service), resolver=lambda *_: {"sdl": sdl}),
        },
    )
    return GraphQLSchema(query=query, types=[factory_test])


def _resolve_entities(_root, info, representations):
    """One item per representation, in order: the device, null for one the system does not
    hold, or an error for this item alone (a device the grant does not cover)."""
    context = info.context
    outcomes = [_entity_outcome(context, item) for item in representations]
    covered = [outcome for outcome in outcomes if isinstance(outcome, str)]
    values = context.store.load(covered) if covered else {}
    entries = context.journal.lookup(list(values)) if values else {}
    results = []
    for outcome in outcomes:
        if isinstance(outcome, GridmarkError):
            results.append(Promise.rejected(outcome))
        else:
            record = values.get(outcome)
            results.append(None if record is None else Device(outcome, record, entries))
    return results


def _entity_outcome(context, representation):
    """The device id a representation asks for, or why it is refused."""
    try:
        context.require_grant()
        if (
            not isinstance(representation, dict)
            or representation.get("__typename") != "Device"
            or not isinstance(representation.get("id"), str)
        ):
            raise GridmarkError(
                "BAD_INPUT", 'A representation is not {"__typename": "Device", "id"}.'
            )
        context.require(representation["id"])
        return representation["id"]
    except GridmarkError as error:
        return error


def _resolve_id(device, _info):
    return device.id


def _field_resolver(name, is_object):
    def resolve(device, info):
        context = info.context
        context.require(device.id, name)
        value = device.values.get(name)
        entry = device.entries.get((device.id, name))
        if entry is not None:
            context.add_proof(device.id, name, entry, value, is_object)
        return value

    return resolve


def _literal(node):
    """An `_Any` written in the query text rather than passed as a variable."""
    if isinstance(node, ast.ObjectValue):
        return {f.name.value: _literal(f.value) for f in node.fields}
    if isinstance(node, ast.ListValue):
        return [_literal(v) for v in node.values]
    if isinstance(node, ast.IntValue):
        return int(node.value)
    if isinstance(node, ast.FloatValue):
        return float(node.value)
    if isinstance(node, (ast.StringValue, ast.BooleanValue, ast.EnumValue)):
        return node.value
    return None
