"""One GraphQL request to the subgraph: the protocol version, the grant, execution, the answer.

Every answer carries `extensions.gridmark.protocol` (the versions the system speaks), its grant
key with sealed grants on, and, when a value was served with a proof, `extensions.gridmark.proofs`. Errors keep their stable code; an
error that is not the client's is logged here and reaches the gateway only as SYSTEM_ERROR.
"""

import logging

from graphql import graphql
from graphql.error import GraphQLSyntaxError, format_error

from . import PROTOCOL_VERSIONS
from .errors import GridmarkError
from .grants import GRANT_HEADER
from .subgraph import RequestContext

PROTOCOL_HEADER = "x-gridmark-protocol"
# graphql-core logs every resolver exception with its trace; refusals are answers, not faults.
logging.getLogger("graphql").setLevel(logging.CRITICAL)


class GraphqlEndpoint:
    def __init__(self, schema, verifier, store, journal, log):
        self._schema = schema
        self._verifier = verifier
        self._store = store
        self._journal = journal
        self._log = log

    def answer(self, body, header):
        """The JSON answer to a request body (already parsed) with headers read by `header`."""
        version = header(PROTOCOL_HEADER)
        if version is not None and version.strip() not in {str(v) for v in PROTOCOL_VERSIONS}:
            error = GridmarkError(
                "PROTOCOL_UNSUPPORTED",
                "The system does not speak the protocol version asked for.",
                supported=PROTOCOL_VERSIONS,
            )
            return self._answer(
                {"errors": [{"message": str(error), "extensions": error.extensions}]}, None
            )
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return self._answer(
                _bad_request('The request is not {"query": ..., "variables": ...}.'), None
            )
        variables = body.get("variables") or {}
        if not isinstance(variables, dict):
            return self._answer(_bad_request("The variables are not a JSON object."), None)
        grant, refusal = None, None
        try:
            grant = self._verifier.verify(header(GRANT_HEADER))
        except GridmarkError as error:
            refusal = error
        context = RequestContext(grant, refusal, self._store, self._journal)
        result = graphql(
            self._schema,
            body["query"],
            context_value=context,
            variable_values=variables,
            operation_name=body.get("operationName"),
        )
        answer = {}
        if not result.invalid:
            answer["data"] = result.data
        if result.errors:
            answer["errors"] = [self._format(error, result.invalid) for error in result.errors]
        return self._answer(answer, context.proofs())

    def _format(self, error, invalid):
        original = getattr(error, "original_error", None)
        if isinstance(original, GridmarkError):
            formatted = format_error(error)
            formatted["extensions"] = original.extensions
            return formatted
        if invalid or original is None:
            code = (
                "GRAPHQL_PARSE_FAILED"
                if isinstance(error, GraphQLSyntaxError)
                else "GRAPHQL_VALIDATION_FAILED"
            )
            return {**format_error(error), "extensions": {"code": code}}
        self._log(f"resolver failed: {type(original).__name__}: {original}")
        return {
            "message": "The business system failed to resolve this field.",
            "path": getattr(error, "path", None),
            "extensions": {"code": "SYSTEM_ERROR"},
        }

    def _answer(self, answer, proofs):
        gridmark = {"protocol": PROTOCOL_VERSIONS}
        channels = self._verifier.channels
        if channels is not None:
            gridmark["grantKey"] = channels.grant_key
        if proofs is not None:
            gridmark["proofs"] = proofs
        answer["extensions"] = {"gridmark": gridmark}
        return answer


def _bad_request(message):
    return {"errors": [{"message": message, "extensions": {"code": "BAD_INPUT"}}]}
