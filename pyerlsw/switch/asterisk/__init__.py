"""The Asterisk layer of the call core (see docs/asterisk.md).

:func:`install_asterisk` plugs it into a switch (the ``asterisk`` dialplan engine, the
interpreter, Asterisk's applications, hangup handlers, ``Local``/``loopback``
endpoints, AstDB and call files); :class:`AsteriskConfig` configures it.

Pure, channel-free modules that the interpreter builds on:

* :mod:`.config` / :mod:`.conffile` / :mod:`.model`: extensions.conf to an immutable
  :class:`Dialplan`;
* :mod:`.patterns` / :mod:`.lookup` / :mod:`.locations` / :mod:`.timing`: pattern
  matching, extension search order, Goto/Gosub targets, include time ranges;
* :mod:`.expr` (with :mod:`.exprlex`, :mod:`.exprnum`, :mod:`.ere`): ``$[...]``;
* :mod:`.substitution`: ``${...}`` substitution and application argument splitting;
* :mod:`.functions`: the function registry and the pure dialplan functions;
* :mod:`.astdb`: AstDB on SQLite and the ``database`` CLI output;
* :mod:`.callfile` / :mod:`.spool`: call files and the spooler;
* :mod:`.hangup_handlers`, :mod:`.logline`, :mod:`.local`, :mod:`.ami`: handler stacks
  and the exact CLI/log/AMI texts.

The live modules (``install``, ``layer``, ``pbx``, ``dial``, ``localchan``...) use only
the core's public registries and hooks. Nothing here imports the Erlang layers, and
importing does no work.
"""

from pyerlsw.switch.asterisk.astdb import AstDB, database_command
from pyerlsw.switch.asterisk.callfile import CallFile, parse_call_file
from pyerlsw.switch.asterisk.config import (
    ParseResult,
    load_extensions_conf,
    parse_extensions_conf,
)
from pyerlsw.switch.asterisk.diagnostics import LogCollector, LogRecord, LogSink
from pyerlsw.switch.asterisk.expr import evaluate
from pyerlsw.switch.asterisk.functions import (
    DialplanFunction,
    FunctionContext,
    FunctionRegistry,
    check_condition,
    register_builtin_functions,
)
from pyerlsw.switch.asterisk.hangup_handlers import HangupHandlerStack, expand_handler
from pyerlsw.switch.asterisk.install import install_asterisk, uninstall_asterisk
from pyerlsw.switch.asterisk.layer import AsteriskLayer
from pyerlsw.switch.asterisk.lookup import (
    LookupResult,
    LookupStatus,
    can_match,
    exists,
    find_extension,
    find_label,
    match_more,
)
from pyerlsw.switch.asterisk.model import Context, Dialplan, Extension, Priority
from pyerlsw.switch.asterisk.patterns import MatchMode, extension_match
from pyerlsw.switch.asterisk.settings import AsteriskConfig
from pyerlsw.switch.asterisk.spool import SpoolDirectory, Spooler
from pyerlsw.switch.asterisk.substitution import Scope, Substituter, separate_args

__all__ = [
    "AstDB",
    "AsteriskConfig",
    "AsteriskLayer",
    "CallFile",
    "Context",
    "Dialplan",
    "DialplanFunction",
    "Extension",
    "FunctionContext",
    "FunctionRegistry",
    "HangupHandlerStack",
    "LogCollector",
    "LogRecord",
    "LogSink",
    "LookupResult",
    "LookupStatus",
    "MatchMode",
    "ParseResult",
    "Priority",
    "Scope",
    "SpoolDirectory",
    "Spooler",
    "Substituter",
    "can_match",
    "check_condition",
    "database_command",
    "evaluate",
    "exists",
    "expand_handler",
    "extension_match",
    "find_extension",
    "find_label",
    "install_asterisk",
    "load_extensions_conf",
    "match_more",
    "parse_call_file",
    "parse_extensions_conf",
    "register_builtin_functions",
    "separate_args",
    "uninstall_asterisk",
]
