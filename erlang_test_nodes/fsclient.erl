%%% @doc A client library for nodes that speak mod_erlang_event: FreeSWITCH, or pyerlsw.
%%%
%%% It offers the functions of FreeSWITCH's own `freeswitch.erl' (same names, same
%%% arguments, same return values), so code written for that module works when it is
%%% pointed at a pyerlsw node instead. It is an independent implementation of the
%%% behaviour described in pyerlsw's mod_erlang_event specification (section 13).
%%%
%%% Every request is a registered send, `{Tag, Node} ! Message': mod_erlang_event
%%% ignores the registered name but needs a registered send to learn who sent the
%%% message. Replies are awaited for at most 5 seconds (`?REPLY_TIMEOUT'); a request
%%% that gets no answer in time returns the atom `timeout'.
%%%
%%% Differences from freeswitch.erl (none of them changes a return value):
%%%
%%% <ul>
%%% <li>Requests whose reply does not depend on who sent them (api, bgapi, event,
%%%   nixevent, noevents, close, sendevent, sendevent_custom, sendmsg, getpid,
%%%   handlecall/3, fetch_reply) are sent and awaited by a short-lived helper process.
%%%   freeswitch.erl waits in the caller with a loose receive, so an unrelated `ok' or
%%%   `{error, _}' already in the caller's mailbox was taken as the answer and the real
%%%   answer was left behind. Here the caller's mailbox is never touched: the helper
%%%   hands its result back as its exit reason, watched with a monitor.</li>
%%% <li>Requests whose meaning depends on the sender stay in the caller, with
%%%   freeswitch.erl's loose receive: send/2 (any message, e.g.
%%%   register_event_handler), session_event/2, session_nixevent/2,
%%%   session_noevents/1 (the sender must be the call's handler) and handlecall/2 (the
%%%   sender becomes the handler). Call them with a clean mailbox.</li>
%%% <li>bgapi/3,4: the helper that waits for `{bgok, ..}'/`{bgerror, ..}' stops when the
%%%   caller exits or the connection to Node goes down, instead of waiting forever. A
%%%   `{bgok, ..}' that overtakes `{ok, JobID}' (possible on FreeSWITCH) is not lost.</li>
%%% <li>start_log_handler/4, start_event_handler/4, start_fetch_handler/5: the caller
%%%   waits with a monitor on the helper, so a helper that dies before answering raises
%%%   an error in the caller instead of blocking it forever.</li>
%%% <li>fetch_reply/3 returns `timeout', as freeswitch.erl does, when the node answers
%%%   something it does not wait for (`{error, invalid_uuid}' for a late or duplicate
%%%   reply, `{error, badarg}', or the fetch ID in the other text representation), but
%%%   it returns at once instead of after 5 seconds.</li>
%%% <li>get_event_header/2 also accepts events whose first element is a binary UUID
%%%   (encoding `binary'; freeswitch.erl fails with function_clause) and matches a
%%%   charlist key against a binary header name and the reverse, so get_event_name/1 and
%%%   get_event_body/1 work with both encodings. It also unwraps `{call, Event}' and
%%%   `{call_event, Event}'.</li>
%%% </ul>
%%%
%%% As in freeswitch.erl, handlecall/3 sends `{handlecall, UUID, ProcName}'. Real
%%% FreeSWITCH only accepts `{handlecall, ProcName, UUID}' and answers the documented
%%% order with `{error, badarg}'; pyerlsw accepts both orders.
-module(fsclient).

-export([send/2, api/2, api/3, bgapi/3, bgapi/4,
         event/2, session_event/2, nixevent/2, session_nixevent/2,
         noevents/1, session_noevents/1, close/1,
         sendevent/3, sendevent_custom/3, sendmsg/3, getpid/1,
         handlecall/2, handlecall/3,
         start_log_handler/4, start_event_handler/4, start_fetch_handler/5,
         fetch_reply/3,
         get_event_header/2, get_event_name/1, get_event_body/1]).

%% How long every request waits for its reply, in milliseconds (freeswitch.erl's value).
-define(REPLY_TIMEOUT, 5000).

%%% ------------------------------------------------------------------ sender-bound

%% @doc Send any term from the calling process and return the first message that
%% arrives in the caller's mailbox afterwards, or `timeout'.
send(Node, Term) ->
    {send, Node} ! Term,
    receive
        Reply -> Reply
    after ?REPLY_TIMEOUT -> timeout
    end.

%% @doc Subscribe the call handled by the calling process to more events.
%% `ok' | `{error, Reason}' | `timeout'.
session_event(Node, Events) ->
    caller_request(Node, session_event, event_tuple(session_event, Events)).

%% @doc Unsubscribe the call handled by the calling process from events.
session_nixevent(Node, Events) ->
    caller_request(Node, session_nixevent, event_tuple(session_nixevent, Events)).

%% @doc Clear every subscription of the call handled by the calling process.
session_noevents(Node) ->
    caller_request(Node, session_noevents, session_noevents).

%% @doc Attach the call UUID to this connection with the calling process as its
%% handler (linked): it then gets `{call, Ev}', `{call_event, Ev}', `{call_hangup, U}'.
handlecall(Node, UUID) ->
    caller_request(Node, handlecall, {handlecall, UUID}).

caller_request(Node, Tag, Message) ->
    {Tag, Node} ! Message,
    receive
        ok -> ok;
        {error, Reason} -> {error, Reason}
    after ?REPLY_TIMEOUT -> timeout
    end.

%%% ------------------------------------------------------------------ isolated requests

%% @equiv api(Node, Cmd, "")
api(Node, Cmd) ->
    api(Node, Cmd, "").

%% @doc Run an API command (an atom) with arguments (a charlist or binary).
%% `{ok, Output}' | `{error, Output}' | `timeout'.
api(Node, Cmd, Args) ->
    request(Node, api, {api, Cmd, Args},
            fun({ok, _} = R) -> {reply, R};
               ({error, _} = R) -> {reply, R};
               (_) -> ignore
            end).

%% @doc Subscribe this connection to events: a list of atoms, or one atom.
event(Node, Events) ->
    ok_or_error(Node, event, event_tuple(event, Events)).

%% @doc Unsubscribe this connection from events.
nixevent(Node, Events) ->
    ok_or_error(Node, nixevent, event_tuple(nixevent, Events)).

%% @doc Turn this connection's events off and clear its subscriptions.
noevents(Node) ->
    ok_or_error(Node, noevents, noevents).

%% @doc Ask the node to close this connection: `ok' | `timeout'.
close(Node) ->
    request(Node, close, exit,
            fun(ok) -> {reply, ok};
               (_) -> ignore
            end).

%% @doc Fire an event named Name (an atom) with headers `[{Key, Value}]' (charlists).
sendevent(Node, Name, Headers) ->
    ok_or_error(Node, sendevent, {sendevent, Name, Headers}).

%% @doc Fire a CUSTOM event with the given subclass (an atom).
sendevent_custom(Node, Subclass, Headers) ->
    ok_or_error(Node, sendevent, {sendevent, 'CUSTOM', Subclass, Headers}).

%% @doc Queue a sendmsg command (`[{"call-command", "execute"}, ...]') on call UUID.
sendmsg(Node, UUID, Headers) ->
    ok_or_error(Node, sendmsg, {sendmsg, UUID, Headers}).

%% @doc This connection's pid on the node: `{ok, Pid}' | `timeout'.
getpid(Node) ->
    request(Node, getpid, getpid,
            fun({ok, Pid} = R) when is_pid(Pid) -> {reply, R};
               (_) -> ignore
            end).

%% @doc Attach call UUID to this connection, its messages going to the process
%% registered as ProcName on the calling node (see the module doc about the order).
handlecall(Node, UUID, ProcName) ->
    ok_or_error(Node, handlecall, {handlecall, UUID, ProcName}).

%% @doc Answer fetch FetchID with Xml (binary or charlist; large XML must be a binary).
%% `ok' | `{error, Reason}' | `timeout'.
fetch_reply(Node, FetchID, Xml) ->
    request(Node, send, {fetch_reply, FetchID, Xml},
            fun({ok, ID}) when ID =:= FetchID -> {reply, ok};
               ({error, ID, Reason}) when ID =:= FetchID -> {reply, {error, Reason}};
               ({ok, _}) -> {reply, timeout};
               ({error, _}) -> {reply, timeout};
               ({error, _, _}) -> {reply, timeout};
               (_) -> ignore
            end).

ok_or_error(Node, Tag, Message) ->
    request(Node, Tag, Message,
            fun(ok) -> {reply, ok};
               ({error, _} = R) -> {reply, R};
               (_) -> ignore
            end).

%% Send Message from a fresh process and wait there for the reply Classify accepts
%% (`{reply, Result}'), or `timeout'.
request(Node, Tag, Message, Classify) ->
    isolated(fun() ->
                     {Tag, Node} ! Message,
                     await(Classify, deadline(?REPLY_TIMEOUT))
             end).

await(Classify, Deadline) ->
    receive
        Message ->
            case Classify(Message) of
                {reply, Result} -> Result;
                ignore -> await(Classify, Deadline)
            end
    after remaining(Deadline) -> timeout
    end.

%% Run Fun in a new process; its result (or exception) travels back as the exit reason,
%% so no message is ever left in the caller's mailbox.
isolated(Fun) ->
    {Pid, Monitor} =
        spawn_monitor(fun() ->
                              exit(try {'$fsclient_result', Fun()}
                                   catch Class:Reason:Stack ->
                                           {'$fsclient_raised', Class, Reason, Stack}
                                   end)
                      end),
    receive
        {'DOWN', Monitor, process, Pid, {'$fsclient_result', Result}} ->
            Result;
        {'DOWN', Monitor, process, Pid, {'$fsclient_raised', Class, Reason, Stack}} ->
            erlang:raise(Class, Reason, Stack);
        {'DOWN', Monitor, process, Pid, Other} ->
            erlang:error({fsclient_helper_died, Other})
    end.

%%% ------------------------------------------------------------------ bgapi

%% @doc Run an API command in the background. Returns `{ok, JobID}' | `{error, Reason}'
%% | `timeout'; after `{ok, JobID}' the caller later receives `{bgok, JobID, Output}' or
%% `{bgerror, JobID, Output}'.
bgapi(Node, Cmd, Args) ->
    Caller = self(),
    background(Node, Cmd, Args,
               fun(JobID) -> {ok, JobID} end,
               fun(Outcome, JobID, Output) ->
                       Caller ! {outcome_tag(Outcome), JobID, Output}
               end).

%% @doc Run an API command in the background and call `Fun(ok, Output)' or
%% `Fun(error, Output)' (in a helper process) when it finishes. Returns `ok' |
%% `{error, Reason}' | `timeout'.
bgapi(Node, Cmd, Args, Fun) ->
    background(Node, Cmd, Args,
               fun(_JobID) -> ok end,
               fun(Outcome, _JobID, Output) -> Fun(Outcome, Output) end).

outcome_tag(ok) -> bgok;
outcome_tag(error) -> bgerror.

%% The helper sends the request, reports `Accepted(JobID)' (or the error/timeout) to the
%% caller, then waits for the job's outcome and runs `Finished(ok | error, JobID, Out)'.
background(Node, Cmd, Args, Accepted, Finished) ->
    Caller = self(),
    Ref = make_ref(),
    {Helper, Monitor} =
        spawn_monitor(fun() ->
                              CallerMonitor = erlang:monitor(process, Caller),
                              {bgapi, Node} ! {bgapi, Cmd, Args},
                              receive
                                  {ok, JobID} ->
                                      Caller ! {Ref, Accepted(JobID)},
                                      erlang:monitor_node(Node, true),
                                      await_job(Node, JobID, CallerMonitor, Finished);
                                  {error, Reason} ->
                                      Caller ! {Ref, {error, Reason}}
                              after ?REPLY_TIMEOUT ->
                                      Caller ! {Ref, timeout}
                              end
                      end),
    receive
        {Ref, Result} ->
            erlang:demonitor(Monitor, [flush]),
            Result;
        {'DOWN', Monitor, process, Helper, Reason} ->
            erlang:error({fsclient_helper_died, Reason})
    end.

await_job(Node, JobID, CallerMonitor, Finished) ->
    receive
        {bgok, JobID, Output} -> Finished(ok, JobID, Output);
        {bgerror, JobID, Output} -> Finished(error, JobID, Output);
        {nodedown, Node} -> ok;
        {'DOWN', CallerMonitor, process, _, _} -> ok
    end.

%%% ------------------------------------------------------------------ handlers

%% @doc Start a process that registers itself as this connection's log handler and
%% then runs `Module:Function(Node, State)'. `{ok, Pid}' | `{error, Reason}' | `timeout'.
start_log_handler(Node, Module, Function, State) ->
    start_handler(Node, register_log_handler, Module, Function, State).

%% @doc As start_log_handler/4, for the event handler.
start_event_handler(Node, Module, Function, State) ->
    start_handler(Node, register_event_handler, Module, Function, State).

%% @doc Start a process that binds itself to XML section Section (an atom such as
%% `dialplan') and then runs `Module:Function(Node, State)'; it receives
%% `{fetch, Section, Tag, Key, Value, FetchID, Params}' and answers with fetch_reply/3.
start_fetch_handler(Node, Section, Module, Function, State) ->
    start_handler(Node, {bind, Section}, Module, Function, State).

start_handler(Node, Request, Module, Function, State) ->
    Caller = self(),
    Ref = make_ref(),
    {Helper, Monitor} =
        spawn_monitor(fun() ->
                              erlang:monitor_node(Node, true),
                              {foo, Node} ! Request,
                              receive
                                  ok ->
                                      Caller ! {Ref, {ok, self()}},
                                      erlang:apply(Module, Function, [Node, State]);
                                  {error, Reason} ->
                                      Caller ! {Ref, {error, Reason}}
                              after ?REPLY_TIMEOUT ->
                                      Caller ! {Ref, timeout}
                              end
                      end),
    receive
        {Ref, Result} ->
            erlang:demonitor(Monitor, [flush]),
            Result;
        {'DOWN', Monitor, process, Helper, Reason} ->
            erlang:error({fsclient_helper_died, Reason})
    end.

%%% ------------------------------------------------------------------ events (pure)

%% @doc The value of header Key in an event (`{event, [UUID | Headers]}', the list
%% itself, or `{call, ..}'/`{call_event, ..}' around it), or `{error, notfound}'.
%% Key may be a charlist or a binary, whatever the event's encoding.
get_event_header({event, Headers}, Key) when is_list(Headers) ->
    get_event_header(Headers, Key);
get_event_header({call, Event}, Key) ->
    get_event_header(Event, Key);
get_event_header({call_event, Event}, Key) ->
    get_event_header(Event, Key);
get_event_header([First | Headers], Key) when not is_tuple(First) ->
    find_header(Headers, key_forms(Key));
get_event_header(Headers, Key) when is_list(Headers) ->
    find_header(Headers, key_forms(Key)).

%% @doc The event's `Event-Name' header, or `{error, notfound}'.
get_event_name(Event) ->
    get_event_header(Event, "Event-Name").

%% @doc The event's body, or `{error, notfound}'.
get_event_body(Event) ->
    get_event_header(Event, "body").

find_header([], _Forms) ->
    {error, notfound};
find_header([{Name, Value} | Rest], Forms) ->
    case lists:member(Name, Forms) of
        true -> Value;
        false -> find_header(Rest, Forms)
    end;
find_header([_ | Rest], Forms) ->
    find_header(Rest, Forms).

%% The key as given plus the same text in the other representation (charlist <->
%% binary), so one needle finds a header whatever encoding the node uses.
key_forms(Key) when is_binary(Key) ->
    [Key, binary_to_list(Key)];
key_forms(Key) when is_list(Key) ->
    try [Key, iolist_to_binary(Key)]
    catch error:badarg -> [Key]
    end;
key_forms(Key) ->
    [Key].

%%% ------------------------------------------------------------------ helpers

event_tuple(Head, Event) when is_atom(Event) ->
    event_tuple(Head, [Event]);
event_tuple(Head, Events) when is_list(Events) ->
    list_to_tuple([Head | Events]).

deadline(Milliseconds) ->
    erlang:monotonic_time(millisecond) + Milliseconds.

remaining(Deadline) ->
    max(0, Deadline - erlang:monotonic_time(millisecond)).
