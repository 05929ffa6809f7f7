%%% @doc Helpers that pyerlsw's Python tests call through an erl node's eval loop.
%%%
%%% <b>Collector.</b> A process (registered as `test_collector' by default) that keeps
%%% every message it receives, oldest first, and hands them out on request. At most
%%% `?MAX_KEPT' messages are kept; later ones are counted as dropped (stats/1).
%%% Patterns are a fun of one argument (a match when it returns `true'; a crash counts
%%% as no match) or a template term in which the atom `'_'' matches anything, e.g.
%%% `{fetch, dialplan, '_', '_', '_', '_', '_'}'. Every function taking a collector
%%% accepts its pid or registered name; the shorter forms use `test_collector'.
%%%
%%% <b>Handlers.</b> Processes started with fsclient's start_*_handler functions (so the
%%% switch links to them) that forward every message they get, unchanged, to a
%%% collector: event and log handlers, and fetch handlers that answer each fetch with
%%% given XML, through a fun, with the "not found" document, with garbage, or never.
%%% After answering, a fetch handler reports
%%% `{pyerlsw_test_util, fetch_replied, FetchID, Result}' (Result from
%%% fsclient:fetch_reply/3). stop/1 ends a handler (the switch sees it exit).
%%%
%%% <b>Log capture.</b> capture_logs/1 adds a logger handler that sends every log event
%%% that passes the node's primary level (notice by default; error_logger's info_msg
%%% logs at notice) to a collector as `{logged, Level, Text}', Text a one-line binary.
%%%
%%% <b>Proxies.</b> A proxy forwards everything it receives to a collector and runs funs
%%% on request (run_in/2), so a test can send a request whose sender matters
%%% (`{handlecall, UUID}', session_event, register_event_handler...) from a process
%%% whose later messages are recorded.
-module(pyerlsw_test_util).
-behaviour(gen_server).

%% Collector
-export([start_collector/0, start_collector/1, stop_collector/0, stop_collector/1,
         collect/1, collect/2, peek/0, peek/1, wait_for/2, wait_for/3,
         wait_many/3, wait_many/4, stats/0, stats/1, matches/2]).
%% Handlers and proxies
-export([start_event_handler/1, start_event_handler/2,
         start_log_handler/1, start_log_handler/2,
         start_fetch_handler/3, start_fetch_handler/4,
         start_proxy/0, start_proxy/1, run_in/2, run_in/3, stop/1,
         not_found_xml/0, flush/0, eval/1]).
%% Log capture (a logger handler)
-export([capture_logs/0, capture_logs/1, stop_capture_logs/0, log/2]).
%% Loops run by fsclient's handler processes
-export([forward_loop/2, fetch_loop/2]).
%% gen_server callbacks
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

-define(DEFAULT_COLLECTOR, test_collector).
%% The most messages a collector keeps; later ones are counted and dropped.
-define(MAX_KEPT, 100000).
%% How long run_in/2 waits for its fun, in milliseconds.
-define(RUN_TIMEOUT, 30000).
-define(STOP, {?MODULE, stop}).
-define(LOG_HANDLER, pyerlsw_test_util_capture).
-define(GARBAGE_XML, <<"<document type=\"freeswitch/xml\"><section name=">>).

%%% ================================================================== collector API

%% @doc Start a collector registered as `test_collector' (replacing a running one).
start_collector() ->
    start_collector(?DEFAULT_COLLECTOR).

%% @doc Start a collector registered as Name, or unregistered with `none': `{ok, Pid}'.
start_collector(none) ->
    gen_server:start(?MODULE, [], []);
start_collector(Name) when is_atom(Name) ->
    ok = stop_collector(Name),
    gen_server:start({local, Name}, ?MODULE, [], []).

%% @doc Stop the default collector (no-op if none runs).
stop_collector() ->
    stop_collector(?DEFAULT_COLLECTOR).

stop_collector(Collector) ->
    case resolve(Collector) of
        undefined -> ok;
        Pid -> stop(Pid)
    end.

%% @doc Everything recorded so far (oldest first), forgotten by the collector; when
%% nothing is recorded yet, wait up to Timeout ms for the first message.
collect(Timeout) ->
    collect(?DEFAULT_COLLECTOR, Timeout).

collect(Collector, Timeout) ->
    gen_server:call(Collector, {collect, Timeout}, infinity).

%% @doc Everything recorded so far, left in place.
peek() ->
    peek(?DEFAULT_COLLECTOR).

peek(Collector) ->
    gen_server:call(Collector, peek, infinity).

%% @doc The first recorded message (old or arriving within Timeout ms) that matches
%% Pattern, removed from the record: `{ok, Message}' | `timeout'.
wait_for(Pattern, Timeout) ->
    wait_for(?DEFAULT_COLLECTOR, Pattern, Timeout).

wait_for(Collector, Pattern, Timeout) ->
    case wait_many(Collector, Pattern, 1, Timeout) of
        {ok, [Message]} -> {ok, Message};
        {timeout, _} -> timeout
    end.

%% @doc The first N recorded messages matching Pattern, oldest first:
%% `{ok, Messages}' (removed from the record) or, when fewer arrive within Timeout ms,
%% `{timeout, SoFar}' (left in the record).
wait_many(Pattern, N, Timeout) ->
    wait_many(?DEFAULT_COLLECTOR, Pattern, N, Timeout).

wait_many(Collector, Pattern, N, Timeout) when is_integer(N), N >= 1 ->
    gen_server:call(Collector, {wait, Pattern, N, Timeout}, infinity).

%% @doc `#{kept => K, dropped => D, received => R}'.
stats() ->
    stats(?DEFAULT_COLLECTOR).

stats(Collector) ->
    gen_server:call(Collector, stats, infinity).

%% @doc Does Message match Pattern (a fun/1 or a template with `'_'' wildcards)?
matches(Pattern, Message) when is_function(Pattern, 1) ->
    try Pattern(Message) =:= true
    catch _:_ -> false
    end;
matches(Pattern, Message) ->
    template_matches(Pattern, Message).

template_matches('_', _) ->
    true;
template_matches(Template, Message)
  when is_tuple(Template), is_tuple(Message), tuple_size(Template) =:= tuple_size(Message) ->
    template_matches(tuple_to_list(Template), tuple_to_list(Message));
template_matches([T | Ts], [M | Ms]) ->
    template_matches(T, M) andalso template_matches(Ts, Ms);
template_matches(Template, Message) ->
    Template =:= Message.

%%% ================================================================== collector process

%% State: `kept' (queue of messages), `dropped', `received', `waiters' (oldest first:
%% #{from, pattern (or `any' for collect), n, timer}).
init([]) ->
    {ok, #{kept => queue:new(), dropped => 0, received => 0, waiters => []}}.

handle_call({collect, Timeout}, From, State) ->
    case queue:is_empty(maps:get(kept, State)) of
        false -> {reply, take_all(State), State#{kept := queue:new()}};
        true -> {noreply, add_waiter(From, any, 1, Timeout, State)}
    end;
handle_call({wait, Pattern, N, Timeout}, From, State) ->
    case take_matching(Pattern, N, maps:get(kept, State)) of
        {ok, Taken, Rest} -> {reply, {ok, Taken}, State#{kept := Rest}};
        not_enough -> {noreply, add_waiter(From, Pattern, N, Timeout, State)}
    end;
handle_call(peek, _From, State) ->
    {reply, queue:to_list(maps:get(kept, State)), State};
handle_call(stats, _From, #{kept := Kept, dropped := Dropped, received := Received} = State) ->
    {reply, #{kept => queue:len(Kept), dropped => Dropped, received => Received}, State}.

handle_cast(_Ignored, State) ->
    {noreply, State}.

handle_info({timeout, Timer, ?MODULE} = Message, #{waiters := Waiters} = State) ->
    case lists:partition(fun(#{timer := T}) -> T =:= Timer end, Waiters) of
        {[Expired], Others} ->
            gen_server:reply(maps:get(from, Expired), expired_reply(Expired, State)),
            {noreply, State#{waiters := Others}};
        {[], _} ->
            {noreply, serve_waiters(record(Message, State))}
    end;
handle_info(Message, State) ->
    {noreply, serve_waiters(record(Message, State))}.

record(Message, #{kept := Kept, dropped := Dropped, received := Received} = State) ->
    case queue:len(Kept) < ?MAX_KEPT of
        true -> State#{kept := queue:in(Message, Kept), received := Received + 1};
        false -> State#{dropped := Dropped + 1, received := Received + 1}
    end.

add_waiter(From, Pattern, N, Timeout, #{waiters := Waiters} = State) ->
    Timer = erlang:start_timer(max(0, Timeout), self(), ?MODULE),
    Waiter = #{from => From, pattern => Pattern, n => N, timer => Timer},
    State#{waiters := Waiters ++ [Waiter]}.

%% Answer every waiter that the recorded messages now satisfy, oldest waiter first.
serve_waiters(#{waiters := Waiters} = State) ->
    serve_waiters(Waiters, [], State).

serve_waiters([], Left, State) ->
    State#{waiters := lists:reverse(Left)};
serve_waiters([#{from := From, pattern := any, timer := Timer} = W | Ws], Left, State) ->
    case queue:is_empty(maps:get(kept, State)) of
        true -> serve_waiters(Ws, [W | Left], State);
        false ->
            cancel_timer(Timer),
            gen_server:reply(From, take_all(State)),
            serve_waiters(Ws, Left, State#{kept := queue:new()})
    end;
serve_waiters([#{from := From, pattern := Pattern, n := N, timer := Timer} = W | Ws], Left,
              State) ->
    case take_matching(Pattern, N, maps:get(kept, State)) of
        {ok, Taken, Rest} ->
            cancel_timer(Timer),
            gen_server:reply(From, {ok, Taken}),
            serve_waiters(Ws, Left, State#{kept := Rest});
        not_enough ->
            serve_waiters(Ws, [W | Left], State)
    end.

expired_reply(#{pattern := any}, _State) ->
    [];
expired_reply(#{pattern := Pattern}, #{kept := Kept}) ->
    {timeout, [M || M <- queue:to_list(Kept), matches(Pattern, M)]}.

take_all(#{kept := Kept}) ->
    queue:to_list(Kept).

%% The first N messages matching Pattern and the queue without them, or not_enough.
take_matching(Pattern, N, Kept) ->
    take_matching(Pattern, N, queue:to_list(Kept), [], []).

take_matching(_Pattern, 0, Rest, Taken, Skipped) ->
    {ok, lists:reverse(Taken), queue:from_list(lists:reverse(Skipped, Rest))};
take_matching(_Pattern, _N, [], _Taken, _Skipped) ->
    not_enough;
take_matching(Pattern, N, [M | Ms], Taken, Skipped) ->
    case matches(Pattern, M) of
        true -> take_matching(Pattern, N - 1, Ms, [M | Taken], Skipped);
        false -> take_matching(Pattern, N, Ms, Taken, [M | Skipped])
    end.

cancel_timer(Timer) ->
    _ = erlang:cancel_timer(Timer, [{async, false}, {info, false}]),
    receive
        {timeout, Timer, ?MODULE} -> ok
    after 0 -> ok
    end.

%%% ================================================================== handlers

%% @doc An event handler on switch node Node forwarding to the default collector.
%% `{ok, Pid}' | `{error, Reason}' | `timeout' (as fsclient:start_event_handler/4).
start_event_handler(Node) ->
    start_event_handler(Node, ?DEFAULT_COLLECTOR).

start_event_handler(Node, Collector) ->
    fsclient:start_event_handler(Node, ?MODULE, forward_loop, Collector).

%% @doc A log handler forwarding `{log, ..}' messages to a collector.
start_log_handler(Node) ->
    start_log_handler(Node, ?DEFAULT_COLLECTOR).

start_log_handler(Node, Collector) ->
    fsclient:start_log_handler(Node, ?MODULE, forward_loop, Collector).

%% @doc A fetch handler bound to Section (an atom) that forwards every
%% `{fetch, ...}' to a collector and answers it according to Mode:
%% <ul>
%% <li>`{reply, Xml}': Xml (binary or charlist);</li>
%% <li>`{reply_fun, Fun}': `Fun(FetchMessage)', which returns the XML or `noreply';</li>
%% <li>`not_found': the document meaning "not found";</li>
%% <li>`garbage': unparsable XML; `{garbage, Term}': Term as the reply;</li>
%% <li>`silent': never answers (the switch times out);</li>
%% <li>`{delay, Milliseconds, Mode}': Mode, after a pause.</li>
%% </ul>
start_fetch_handler(Node, Section, Mode) ->
    start_fetch_handler(Node, Section, Mode, ?DEFAULT_COLLECTOR).

start_fetch_handler(Node, Section, Mode, Collector) ->
    fsclient:start_fetch_handler(Node, Section, ?MODULE, fetch_loop, {Mode, Collector}).

%% @doc The XML document a fetch handler answers when it has nothing for a request.
not_found_xml() ->
    <<"<document type=\"freeswitch/xml\"><section name=\"result\">"
      "<result status=\"not found\"/></section></document>">>.

%% @private Loop of event/log handlers and proxies: forward everything.
forward_loop(Node, Collector) ->
    receive
        ?STOP ->
            ok;
        {'$pyerlsw_run', From, Ref, Fun} ->
            From ! {Ref, run_caught(Fun)},
            forward_loop(Node, Collector);
        Message ->
            forward(Collector, Message),
            forward_loop(Node, Collector)
    end.

%% @private Loop of fetch handlers.
fetch_loop(Node, {Mode, Collector} = Config) ->
    receive
        ?STOP ->
            ok;
        {'$pyerlsw_run', From, Ref, Fun} ->
            From ! {Ref, run_caught(Fun)},
            fetch_loop(Node, Config);
        {fetch, _Section, _Tag, _Key, _Value, FetchID, _Params} = Fetch ->
            forward(Collector, Fetch),
            answer(Node, FetchID, Fetch, Mode, Collector),
            fetch_loop(Node, Config);
        Message ->
            forward(Collector, Message),
            fetch_loop(Node, Config)
    end.

answer(_Node, _FetchID, _Fetch, silent, _Collector) ->
    ok;
answer(Node, FetchID, Fetch, {delay, Milliseconds, Mode}, Collector) ->
    timer:sleep(Milliseconds),
    answer(Node, FetchID, Fetch, Mode, Collector);
answer(Node, FetchID, Fetch, {reply_fun, Fun}, Collector) ->
    case Fun(Fetch) of
        noreply -> ok;
        Xml -> reply(Node, FetchID, Xml, Collector)
    end;
answer(Node, FetchID, _Fetch, {reply, Xml}, Collector) ->
    reply(Node, FetchID, Xml, Collector);
answer(Node, FetchID, _Fetch, not_found, Collector) ->
    reply(Node, FetchID, not_found_xml(), Collector);
answer(Node, FetchID, _Fetch, garbage, Collector) ->
    reply(Node, FetchID, ?GARBAGE_XML, Collector);
answer(Node, FetchID, _Fetch, {garbage, Term}, Collector) ->
    reply(Node, FetchID, Term, Collector).

reply(Node, FetchID, Xml, Collector) ->
    Result = fsclient:fetch_reply(Node, FetchID, Xml),
    forward(Collector, {?MODULE, fetch_replied, FetchID, Result}).

%%% ================================================================== log capture

%% @doc Send the node's log events to the default collector (see the module doc).
capture_logs() ->
    capture_logs(?DEFAULT_COLLECTOR).

capture_logs(Collector) ->
    ok = stop_capture_logs(),
    logger:add_handler(?LOG_HANDLER, ?MODULE,
                       #{level => all, config => #{collector => Collector}}).

%% @doc Stop capturing log events (no-op when not capturing): `ok'.
stop_capture_logs() ->
    case logger:remove_handler(?LOG_HANDLER) of
        ok -> ok;
        {error, {not_found, _}} -> ok
    end.

%% @private logger handler callback.
log(Event, #{config := #{collector := Collector}}) ->
    Text = logger_formatter:format(Event, #{single_line => true, template => [msg]}),
    forward(Collector, {logged, maps:get(level, Event), unicode:characters_to_binary(Text)}).

%%% ================================================================== proxies

%% @doc A process forwarding everything it receives to the default collector.
start_proxy() ->
    start_proxy(?DEFAULT_COLLECTOR).

start_proxy(Collector) ->
    spawn(fun() -> forward_loop(node(), Collector) end).

%% @doc Run Fun inside Proxy (a proxy, or any handler started here) and return its result;
%% an exception in Fun is raised again here. Messages Fun does not take are forwarded.
run_in(Proxy, Fun) ->
    run_in(Proxy, Fun, ?RUN_TIMEOUT).

run_in(Proxy, Fun, Timeout) ->
    Ref = erlang:monitor(process, Proxy),
    Proxy ! {'$pyerlsw_run', self(), Ref, Fun},
    receive
        {Ref, {ok, Result}} ->
            erlang:demonitor(Ref, [flush]),
            Result;
        {Ref, {raised, Class, Reason, Stack}} ->
            erlang:demonitor(Ref, [flush]),
            erlang:raise(Class, Reason, Stack);
        {'DOWN', Ref, process, _, Why} ->
            erlang:error({proxy_died, Why})
    after Timeout ->
            erlang:demonitor(Ref, [flush]),
            erlang:error(timeout)
    end.

run_caught(Fun) ->
    try {ok, Fun()}
    catch Class:Reason:Stack -> {raised, Class, Reason, Stack}
    end.

%% @doc Stop a collector, handler or proxy and wait until it is gone: `ok'.
stop(Pid) when is_pid(Pid) ->
    case is_collector(Pid) of
        true -> stop_gen_server(Pid);
        false -> stop_loop(Pid)
    end.

stop_gen_server(Pid) ->
    try gen_server:stop(Pid)
    catch exit:_ -> ok  % already gone
    end.

stop_loop(Pid) ->
    Monitor = erlang:monitor(process, Pid),
    Pid ! ?STOP,
    receive
        {'DOWN', Monitor, process, Pid, _} -> ok
    after 5000 ->
            exit(Pid, kill),
            receive {'DOWN', Monitor, process, Pid, _} -> ok end
    end.

%% @doc Every message in the calling process's mailbox, removed.
flush() ->
    receive
        Message -> [Message | flush()]
    after 0 -> []
    end.

%% @doc Evaluate Text (Erlang expressions ending with a dot) with no variables bound,
%% in the calling process, and return the value of the last one. Lets a test reuse
%% variable names although its node's eval loop keeps earlier bindings.
eval(Text) ->
    {ok, Tokens, _} = erl_scan:string(Text),
    {ok, Exprs} = erl_parse:parse_exprs(Tokens),
    {value, Value, _} = erl_eval:exprs(Exprs, erl_eval:new_bindings()),
    Value.

%%% ================================================================== helpers

forward(Collector, Message) ->
    catch (Collector ! Message),
    ok.

resolve(Pid) when is_pid(Pid) -> Pid;
resolve(Name) when is_atom(Name) -> whereis(Name).

is_collector(Pid) when node(Pid) =/= node() ->
    false;
is_collector(Pid) ->
    case erlang:process_info(Pid, dictionary) of
        {dictionary, Dictionary} ->
            proplists:get_value('$initial_call', Dictionary) =:= {?MODULE, init, 1};
        undefined ->
            false
    end.
