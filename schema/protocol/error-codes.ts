/**
 * The one table of gridmark error codes. Every code that reaches a client (GraphQL
 * `extensions.code`, a CLI exit) is listed here with its message and meaning; `docs/errors.md`
 * documents each one and a test keeps the two in step.
 */
export const ERROR_CODES = {
  BAD_IDENTIFIER: {
    message: 'The identifier is not a valid <prefix>/<suffix> device identifier.',
    meaning:
      'A device identifier failed the syntax check: the prefix must be dotted numeric segments ' +
      '(e.g. 88.1001.7), the suffix 1-128 characters of A-Z a-z 0-9 . _ - : starting with a letter or digit.',
    exitCode: 2,
  },
  LIMIT_EXCEEDED: {
    message: 'The request asks for more than a configured limit allows.',
    meaning:
      'For example more identifiers in one `devices(ids:)` call than the gateway accepts; `extensions.limit` gives the limit.',
    exitCode: 2,
  },
  TOO_MANY_DEVICES: {
    message: 'The operation names more devices than the gateway allows in one operation.',
    meaning:
      "Distinct devices in all of an operation's `device(id:)` and `devices(ids:)` fields together, variables and defaults applied, are over the limit (500 by default, the most one resolution on the ledger holds). Refused before anything is resolved or queued; `extensions.limit` gives `name`, `max` and `found`.",
    exitCode: 2,
  },
  QUERY_TOO_COMPLEX: {
    message: 'The operation is larger than the gateway allows.',
    meaning:
      "The document is over one of the gateway's limits on tokens, aliases, depth or fields selected. Refused before anything runs; `extensions.limit` gives its `name` and `max`.",
    exitCode: 2,
  },
  DEVICES_NOT_NAMED: {
    message: 'The operation reads business-system fields of devices it does not name.',
    meaning:
      "Business-system fields are read only from devices named by identifier in a root field's `ID` arguments (`device(id:)`, `devices(ids:)`), which are resolved on the ledger first; `extensions.fields` names the fields that return other devices.",
    exitCode: 2,
  },
  GRANT_NOT_COVERED: {
    message:
      "The gateway refused to ask a business system for devices or fields outside the query's resolution.",
    meaning:
      "A subgraph request would have read a device, or a field, that the query's resolution on the ledger does not cover (or the query has no resolution); no grant is issued and nothing is sent, and those fields are null. `extensions.system` names the system, `extensions.fields` the fields and `extensions.device` a device not covered.",
    exitCode: 5,
  },
  BAD_DECLARATION: {
    message: 'The subgraph declaration is invalid.',
    meaning:
      'A business system declared a shareable field or type that the subgraph kit cannot publish ' +
      '(bad name, reserved name, duplicate, unknown GraphQL type).',
    exitCode: 2,
  },
  COMPOSITION_FAILED: {
    message: "The business systems' subgraphs do not compose into one supergraph.",
    meaning:
      'Federation composition failed; each error names the subgraph (business system) that caused it.',
    exitCode: 3,
  },
  SYSTEM_UNAVAILABLE: {
    message: 'A business system did not answer.',
    meaning:
      'A subgraph could not be reached or answered with a transport error; the fields it serves are ' +
      'null and the rest of the response is still returned. `extensions.system` names the system.',
    exitCode: 4,
  },
  SYSTEM_ERROR: {
    message: 'A business system reported an internal error.',
    meaning:
      "A subgraph failed while resolving its fields; details stay in that system's log. " +
      '`extensions.system` names the system.',
    exitCode: 4,
  },
  UNAUTHENTICATED: {
    message: 'Missing or invalid credentials.',
    meaning:
      'The request carried no API key where one is needed, or a key that is malformed, unknown or revoked (`Authorization: Bearer <key>`).',
    exitCode: 5,
  },
  FORBIDDEN: {
    message: "The caller's role does not allow this.",
    meaning:
      'An authenticated principal acted beyond its rights: an enterprise operator for another enterprise, an enterprise user on another system, an auditor changing registrations, anyone but a platform admin suspending systems.',
    exitCode: 5,
  },
  BAD_INPUT: {
    message: 'The input is invalid.',
    meaning:
      'A value is malformed or out of range (a negative or fractional fee, an empty name, an unknown device kind); the message names it.',
    exitCode: 2,
  },
  BAD_CREDIT_CODE: {
    message: 'The unified social credit code is malformed or its check character is wrong.',
    meaning:
      "Registration refused: the enterprise's unified social credit code fails the GB 32100-2015 check.",
    exitCode: 2,
  },
  CREDIT_TOO_LOW: {
    message: "The enterprise's credit evaluation is below the registration threshold.",
    meaning:
      "Registration refused: the enterprise's credit score is under the configured threshold.",
    exitCode: 6,
  },
  FEEDBACK_LIMIT: {
    message: 'This application already rated this business system today.',
    meaning:
      'Credit feedback refused: an application may rate each business system once per UTC day; the first rating of the day stands.',
    exitCode: 6,
  },
  NO_TRADE_WITH_SYSTEM: {
    message: 'The application has not traded with this business system.',
    meaning:
      'Credit feedback refused: only an application that has bought data from a business system may rate it.',
    exitCode: 6,
  },
  SYSTEM_UNREACHABLE: {
    message:
      "The business system's subgraph URL is not reachable or does not serve a federation subgraph.",
    meaning:
      'Registration refused: the registry could not read `_service { sdl }` from the URL in time. `extensions.reason` says how: TIMEOUT, REDIRECT (none is followed), RESPONSE_TOO_LARGE, UNREACHABLE, HTTP_STATUS, NOT_JSON or NO_SDL.',
    exitCode: 4,
  },
  ALREADY_REGISTERED: {
    message: 'Something with this name is already registered.',
    meaning:
      'A system with the same subgraph name, or the same enterprise and system name, exists.',
    exitCode: 6,
  },
  FIELD_NOT_SERVED: {
    message: 'The subgraph does not serve this field.',
    meaning: "Field registration refused: `Device.<name>` is not in the system's subgraph schema.",
    exitCode: 6,
  },
  FIELD_CONFLICT: {
    message: 'Another business system already registered this field.',
    meaning:
      'Field registration refused: `Device.<name>` belongs to another system (see the field naming convention).',
    exitCode: 6,
  },
  DUPLICATE_IDENTIFIER: {
    message: 'The identifier or local code is already registered otherwise.',
    meaning:
      'Device registration refused (the whole batch): an identifier exists for another system or local code, or a local code already names another identifier. `extensions.row` gives the row.',
    exitCode: 6,
  },
  UNKNOWN_PREFIX: {
    message: "The identifier's prefix is not a registered system code.",
    meaning:
      'Device claim refused (the whole batch): no business system issued identifiers under that prefix. `extensions.row` gives the row.',
    exitCode: 6,
  },
  UNKNOWN_FIELD: {
    message: 'A field code is not registered.',
    meaning:
      'A parsing rule named a field code that no active business system registered. `extensions.fields` lists them.',
    exitCode: 6,
  },
  UNKNOWN_IDENTIFIER: {
    message: 'The identifier is not registered.',
    meaning: 'The identifier is well formed but no system registered it (or it was revoked).',
    exitCode: 6,
  },
  BAD_DEVICE_ROW: {
    message: 'A device row is malformed.',
    meaning:
      'Device registration refused (the whole batch): a CSV or JSON row is missing a column or has an invalid value. `extensions.row` gives the row number.',
    exitCode: 2,
  },
  NOT_FOUND: {
    message: 'No such record.',
    meaning: 'The business system, enterprise or record named does not exist.',
    exitCode: 6,
  },
  INVALID_STATE: {
    message: "The record's state does not allow this change.",
    meaning:
      'For example reactivating a revoked system or identifier (revocation is final), or registering devices for a suspended system.',
    exitCode: 6,
  },
  LEDGER_REJECTED: {
    message: 'The ledger refused the transaction.',
    meaning:
      'The smart contract refused the transaction (its `contractCode` detail gives the code, e.g. NO_RULE), ' +
      "the ledger refused the caller's signature or identity, or the transaction was invalidated at commit.",
    exitCode: 7,
  },
  LEDGER_UNAVAILABLE: {
    message: 'The ledger did not answer.',
    meaning:
      'The ledger (the embedded one, or the Fabric gateway peer) could not be reached or did not answer before the deadline.',
    exitCode: 7,
  },
  LEDGER_TAMPERED: {
    message: 'The ledger file does not verify.',
    meaning:
      "An embedded ledger file was changed outside the ledger: a block's data, hash, link or signature, " +
      'or the world state, no longer matches the chain. `gridmark ledger verify` names the first bad block.',
    exitCode: 8,
  },
  LEDGER_HEAD_MISMATCH: {
    message: 'The ledger does not hold the head or the key it was witnessed with.',
    meaning:
      'The embedded ledger ends before a head it signed and published (blocks were removed, or an older copy was put back), holds another block at that height, ' +
      'or is signed by another node key than the one witnessed: by the checkpoints in the billing book and the registry (the gateway does not start), ' +
      'or by `--expect-head` and `--expect-key` of `gridmark ledger verify`.',
    exitCode: 8,
  },
  GRANT_REFUSED: {
    message: 'The business system refused the request: no valid grant covers it.',
    meaning:
      'A subgraph request lacked a grant from the gateway, or its grant was forged, expired, replayed, for another system, signed by a key the system does not know, or did not cover the device or field asked for. `extensions.reason` says which.',
    exitCode: 5,
  },
  PROTOCOL_UNSUPPORTED: {
    message: 'The gateway and the business system speak no protocol version in common.',
    meaning:
      'A business system announced (in `extensions.gridmark.protocol`) no protocol version the gateway speaks, so the gateway sends it nothing; or a system received an `x-gridmark-protocol` version it does not speak. `extensions.system` names the system, `extensions.supported` lists the versions the refusing side speaks.',
    exitCode: 5,
  },
  BAD_JSON_VALUE: {
    message: 'The value cannot be written as canonical JSON (RFC 8785).',
    meaning:
      'A value to commit to holds what JSON cannot carry or RFC 8785 refuses: a string with a lone surrogate, a number that is not finite, a bigint, a function. `extensions.path` says where in the value.',
    exitCode: 2,
  },
  FIELD_NOT_PERMITTED: {
    message: "The application's parsing rule does not grant these fields.",
    meaning:
      'The operation selects `Device` fields that the rule for the application, function and role does not name (or there is no rule: no rule, no data). `extensions.fields` lists them.',
    exitCode: 5,
  },
  FUNCTION_REQUIRED: {
    message: 'The request names no function.',
    meaning:
      'Queries for business-system fields must say which function the application performs (`X-Gridmark-Function` header).',
    exitCode: 2,
  },
  TAMPERED: {
    message: 'A value does not match the hash its owner anchored on the ledger.',
    meaning:
      'The gateway withheld the value: its commitment differs from the anchored one. `extensions` names device, field and system; a tamper report is recorded on the ledger.',
    exitCode: 8,
  },
  UNVERIFIABLE: {
    message: 'A value could not be checked against the ledger.',
    meaning:
      'The gateway withheld the value: no anchor exists for it yet, the subgraph sent no proof, the ledger could not answer, the system sent a field it was not asked for, ' +
      "or the value is of a device and field that the query's resolution does not cover (so it would be neither recorded nor charged). Fail closed. `extensions.reason` says which: " +
      '`NO_ANCHOR`, `NO_PROOF`, `LEDGER_UNAVAILABLE`, `NOT_ASKED` or `NOT_IN_RESOLUTION`.',
    exitCode: 8,
  },
  PAYMENT_REQUIRED: {
    message: 'The application cannot pay for the query.',
    meaning:
      "The query's quote is more than the application's available balance (balance + credit limit - amounts held for queries in flight). Nothing was fetched. `extensions.requiredFen` and `extensions.availableFen` give the figures.",
    exitCode: 9,
  },
  BAD_AMOUNT: {
    message: 'The amount of money is not valid.',
    meaning:
      'Amounts are whole numbers of fen (1 yuan = 100 fen): negative, fractional, non-numeric or too large amounts are refused. `extensions.field` names the argument.',
    exitCode: 2,
  },
  UNKNOWN_ACCOUNT: {
    message: 'There is no such account.',
    meaning:
      'Accounts are registered applications (`APP-nnnn`), business systems (their codes), `PLATFORM` and `EXTERNAL`; top-ups and credit limits are for application accounts only.',
    exitCode: 6,
  },
  DUPLICATE_PAYMENT: {
    message: 'The payment reference was already recorded.',
    meaning:
      'A top-up names a payment reference that was credited before; a payment is credited once, so a replayed request changes nothing.',
    exitCode: 6,
  },
  BILLING_UNAVAILABLE: {
    message: 'The query could not be charged.',
    meaning:
      'The billing book could not record the charge; the data is not released (fail closed) and nothing is charged.',
    exitCode: 9,
  },
  NOT_RECONCILED: {
    message: 'The billing book and the ledger disagree.',
    meaning:
      'A reconciliation found trades missing from the ledger, different from it, or with receipts that do not prove their inclusion; each is listed with its problem.',
    exitCode: 8,
  },
  ENTERPRISE_NOT_APPROVED: {
    message: 'The enterprise is not onboarded.',
    meaning:
      'Registration refused: the credit code names no enterprise account, or one whose application is pending review or was rejected. A platform admin onboards an enterprise (creates it, or approves its application) and issues its operator key. `extensions.creditCode` names it.',
    exitCode: 6,
  },
  URL_NOT_ALLOWED: {
    message: 'The registry does not call this URL.',
    meaning:
      "A business system's URL is not http(s), carries credentials, or its host is or resolves to an address in a network the registry does not call (private, loopback, link-local, metadata and other reserved ranges unless the operator allows them, and any network the operator denies), or its port is one `fetch` refuses to connect to (the Fetch standard's bad ports, such as 6000). `extensions.reason` says which: `SCHEME`, `CREDENTIALS`, `ADDRESS` or `PORT`.",
    exitCode: 2,
  },
  SCHEMA_POLICY_VIOLATION: {
    message: "The business system's subgraph schema asks for more than its own Device fields.",
    meaning:
      'A subgraph schema was refused at registration, endpoint change or recomposition: it declares root fields, ' +
      'another entity, a federation directive such as @override, @requires, @external or @provides, or a field or type ' +
      'another system owns. `extensions.element` names the element and `extensions.rule` the rule it breaks.',
    exitCode: 6,
  },
  SUBGRAPH_FETCH_REFUSED: {
    message: 'The gateway refused to ask a business system for something it does not own.',
    meaning:
      "A planned subgraph request selected more than `_entities` on `Device` with the system's own registered fields, " +
      'or sent representations with more than the key; nothing was sent and the fields are null. `extensions.system` names the system.',
    exitCode: 5,
  },
  INTERNAL_ERROR: {
    message: 'Internal error.',
    meaning: 'An unexpected failure inside gridmark; details are logged on the server, never sent.',
    exitCode: 1,
  },
  BAD_CONFIGURATION: {
    message: 'The configuration is invalid.',
    meaning: 'A command-line option or configuration value is missing or malformed.',
    exitCode: 2,
  },
  DATA_FILE_MISSING: {
    message: 'A file of the data directory is missing.',
    meaning:
      'A start found a data directory that holds a network but misses one of its files (a system database, an anchor journal, the ledger, its node key, the registry or the book). Nothing is started, created or seeded over it; the message names the file (`details.file`) and says how to start a new network instead (`--reseed`, which moves the old directory aside).',
    exitCode: 8,
  },
  DATA_FILE_UNREADABLE: {
    message: 'A file of the data directory cannot be read.',
    meaning:
      'A start found a file of its network that is not a file, cannot be opened for reading and writing, is empty, or is not the SQLite database it should be. Nothing is started or changed; the message names the file (`details.file`) and says how to start a new network instead.',
    exitCode: 8,
  },
  NOT_CONFIRMED: {
    message: 'The command would replace data and was not confirmed.',
    meaning:
      'A command that moves existing data aside (`npm start -- --reseed`, `npm run seed` on a directory that holds a network) asks on a terminal first; without a terminal it needs `--yes`. Refused, nothing changed.',
    exitCode: 2,
  },
  DEVICE_KIND_CONFLICT: {
    message: 'The device is registered with another kind.',
    meaning:
      'A device registration names a local code (identifier) that the system registered before with a different kind. The whole batch is refused; re-registering with the same kind changes nothing. `extensions.row` gives the row, `extensions.identifier` the identifier.',
    exitCode: 6,
  },
  BAD_HEADER: {
    message: 'A gridmark request header is malformed.',
    meaning:
      'The `X-Gridmark-Role` header is neither `*` nor a role name, or `X-Gridmark-Function` is not a function name (1-64 of a-z 0-9 _ -). Refused before anything is looked up; `extensions.header` names the header (its value is not echoed).',
    exitCode: 2,
  },
  OPERATION_NOT_SUPPORTED: {
    message: 'The gateway runs queries only.',
    meaning:
      "The request holds a mutation or a subscription: the gateway serves devices' fields to read, nothing else. Refused before anything is looked up, resolved or charged.",
    exitCode: 2,
  },
  SOURCE_UNAVAILABLE: {
    message: "The business system's own database could not be opened or reached.",
    meaning:
      '`gridmark system serve` could not open its SQLite file (missing, not a database) or connect to its PostgreSQL server (refused, unknown host, authentication failed, no such database). `extensions.setting` names the setting; the connection string and password are never told.',
    exitCode: 4,
  },
  SOURCE_QUERY_FAILED: {
    message: "A configured SQL statement failed in the business system's database.",
    meaning:
      "The SQL of a configured business system (`devices.load` or `devices.list`) failed: a syntax error, a missing table or column, a statement that is not a query or writes (the database is opened read-only), a wrong number of parameters, or the statement timeout. `extensions.setting` names the statement and `extensions.reason` says which (`SQL`, `READ_ONLY`, `NOT_A_QUERY`, `PARAMETERS`, `TIMEOUT`); the database's own message stays in the system's log.",
    exitCode: 4,
  },
  SHUTTING_DOWN: {
    message: 'The gateway is shutting down and takes no new requests.',
    meaning:
      'The gateway was told to stop: it finishes the queries it has (up to `shutdownGraceMs`) and refuses new ones with HTTP 503, and `/readyz` answers 503. Retry on another instance, or once it has restarted.',
    exitCode: 5,
  },
  KEY_FILE_EXPOSED: {
    message: 'A key file is open to other users.',
    meaning:
      "The gateway's grant key file (or another file of secret keys) may be read or written by its group or others. It is refused, not tightened: a key that may have leaked is replaced (`gridmark keys rotate`), and the file made mode 0600. The message names the file.",
    exitCode: 8,
  },
  ALREADY_INITIALIZED: {
    message: 'There is already a gateway configuration or data here.',
    meaning:
      '`gridmark init` found the configuration file, the data directory (not empty) or the key file it would write. Nothing is overwritten or changed; the message names what exists. Choose another `--dir` or `--config`, or move the old one aside yourself.',
    exitCode: 2,
  },
  UNKNOWN_COMMAND: {
    message: 'There is no such gridmark command.',
    meaning:
      'The words given to `gridmark` name no command. The usage, with every command, goes to standard error; `gridmark help` (or `--help`) prints it and exits 0.',
    exitCode: 2,
  },
  REGISTRY_NOT_SET: {
    message: 'No registry URL is set.',
    meaning:
      'A command that talks to the registry API found no URL: none in `--registry`, `GRIDMARK_REGISTRY`, or a gateway configuration file (`--config` or `GRIDMARK_CONFIG`, whose listen address gives it). There is no default; the message names the flag and the variables to set.',
    exitCode: 2,
  },
  NOT_CONFORMANT: {
    message: 'The business system does not keep the protocol: at least one check failed.',
    meaning:
      '`gridmark system check <url>` ran the protocol checks against a running business system and at least one failed: its schema, its `_entities` answers, a grant it should have refused, proofs that do not hash to the anchored commitments, or no protocol announcement. Each check is printed with PASS, FAIL or SKIP and a one-line reason; see docs/protocol.md.',
    exitCode: 8,
  },
} as const satisfies Record<string, { message: string; meaning: string; exitCode: number }>;

/** A stable gridmark error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is one of gridmark's own codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/**
 * Codes from GraphQL and Apollo that describe the client's own request (a malformed query, a bad
 * variable); servers show them to the client as they are.
 */
export const GRAPHQL_CLIENT_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);
