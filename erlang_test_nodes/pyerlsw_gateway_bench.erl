%%% @doc Erlang side of bench/gateway_bench.py: mod_erlang_event clients that count and
%%% time what pyerlsw's gateway does, and the same message patterns between two Erlang
%%% nodes (the baseline the benchmark reports pyerlsw against).
%%%
%%% <ul>
%%% <li>Events: start_event_counter/2 registers a process as the event handler of a
%%%   switch node, subscribed to some CUSTOM subclasses; `{count, N, From}' makes it count
%%%   N events and answer `{counted, node(), N}'. fan_out/3 is the Erlang baseline:
%%%   one process sends N copies of a term to each of several sinks
%%%   (pyerlsw_node_bench's) and waits for all of them.</li>
%%% <li>api: api_round_trips/5 runs concurrent clients doing `{api, Cmd, Args}' requests
%%%   (the reply is the first `{ok, _}' or `{error, _}'); start_api_server/1 and
%%%   server_round_trips/4 are the baseline: a registered process answering
%%%   `{From, {api, Cmd, Args}}' with `{ok, Output}'.</li>
%%% <li>Calls: start_call_handler/1 registers `bench_calls', an outbound handler that
%%%   answers every `{call, ..}' with a sendmsg hangup and reports each
%%%   `{call_hangup, ..}'; run_calls/4 originates calls through `api' with some
%%%   concurrency and waits for N hangups. start_fake_switch/2 is the baseline: an
%%%   Erlang process doing the switch's part of the same exchange with the same terms.</li>
%%% </ul>
%%% Every timing function returns microseconds (timer:tc).
-module(pyerlsw_gateway_bench).

-export([start_event_counter/2, fan_out/3,
         api_round_trips/5, start_api_server/1, server_round_trips/4,
         start_call_handler/1, run_calls/4, start_fake_switch/2,
         gateway_request/1, fake_request/1, gateway_originate/2, fake_originate/2]).
-export([counter_loop/0, api_server_loop/1, call_handler_loop/3, fake_switch_loop/3]).

-define(WAIT, 300000).

%%% ------------------------------------------------------------------ events

%% @doc A process that is Fs's event handler (one per connection) for the CUSTOM
%% subclasses Subclasses (atoms): `{ok, Pid}'.
start_event_counter(Fs, Subclasses) ->
    Parent = self(),
    Pid = spawn(fun() ->
                        {bench, Fs} ! register_event_handler,
                        ok = receive ok -> ok after 5000 -> timeout end,
                        {bench, Fs} ! list_to_tuple([event, 'CUSTOM' | Subclasses]),
                        ok = receive ok -> ok after 5000 -> timeout end,
                        Parent ! {ready, self()},
                        counter_loop()
                end),
    receive {ready, Pid} -> {ok, Pid} after 10000 -> timeout end.

counter_loop() ->
    receive
        {count, N, From} ->
            count_events(N),
            From ! {counted, node(), N},
            counter_loop()
    end.

count_events(0) -> ok;
count_events(N) -> receive {event, _} -> count_events(N - 1) end.

%% @doc Send N copies of Term to every sink in Dests ({sink, Node}, pyerlsw_node_bench),
%% the copies interleaved; microseconds until every sink reported.
fan_out(Dests, N, Term) ->
    {Us, ok} = timer:tc(fun() ->
        [Dest ! {count, self(), N} || Dest <- Dests],
        send_all(Dests, N, Term),
        [receive {done, N} -> ok after ?WAIT -> error(timeout) end || _ <- Dests],
        ok
    end),
    Us.

send_all(_, 0, _) -> ok;
send_all(Dests, N, Term) ->
    [Dest ! Term || Dest <- Dests],
    send_all(Dests, N - 1, Term).

%%% ------------------------------------------------------------------ api

%% @doc Clients concurrent processes doing PerClient `{api, Cmd, Args}' to Fs each;
%% microseconds for all of them.
api_round_trips(Fs, Clients, PerClient, Cmd, Args) ->
    concurrently(Clients, fun() -> api_calls(Fs, PerClient, Cmd, Args) end).

api_calls(_, 0, _, _) -> ok;
api_calls(Fs, N, Cmd, Args) ->
    {api, Fs} ! {api, Cmd, Args},
    receive
        {ok, _} -> api_calls(Fs, N - 1, Cmd, Args);
        {error, _} -> api_calls(Fs, N - 1, Cmd, Args)
    after 30000 -> error(timeout)
    end.

%% @doc The baseline api server, registered as `api_server', answering Output.
start_api_server(Output) ->
    catch unregister(api_server),
    register(api_server, spawn(fun() -> api_server_loop(Output) end)),
    ok.

api_server_loop(Output) ->
    receive
        {From, {api, _Cmd, _Args}} -> From ! {ok, Output}, api_server_loop(Output)
    end.

%% @doc The baseline clients: `{self(), {api, version, ""}}' to Dest.
server_round_trips(Dest, Clients, PerClient, Args) ->
    concurrently(Clients, fun() -> server_calls(Dest, PerClient, Args) end).

server_calls(_, 0, _) -> ok;
server_calls(Dest, N, Args) ->
    Dest ! {self(), {api, version, Args}},
    receive {ok, _} -> server_calls(Dest, N - 1, Args) after 30000 -> error(timeout) end.

concurrently(Clients, Fun) ->
    Parent = self(),
    {Us, ok} = timer:tc(fun() ->
        Pids = [spawn_link(fun() -> Fun(), Parent ! {client_done, self()} end)
                || _ <- lists:seq(1, Clients)],
        [receive {client_done, P} -> ok after ?WAIT -> error(timeout) end || P <- Pids],
        ok
    end),
    Us.

%%% ------------------------------------------------------------------ calls

%% @doc Register `bench_calls': Request(Message) sends a request to the switch (the
%% gateway: a registered send; the fake switch: `{self(), Message}').
start_call_handler(Request) ->
    catch unregister(bench_calls),
    register(bench_calls, spawn(fun() -> call_handler_loop(Request, undefined, {0, 0}) end)),
    ok.

%% State: the driver waiting for hangups, {hangups, call_events} seen.
call_handler_loop(Request, Driver, {Hangups, Events} = Seen) ->
    receive
        {driver, NewDriver} ->
            call_handler_loop(Request, NewDriver, {0, 0});
        {call, {event, [UUID | _]}} ->
            Request({sendmsg, UUID, [{"call-command", "hangup"}]}),
            call_handler_loop(Request, Driver, Seen);
        {call_event, _} ->
            call_handler_loop(Request, Driver, {Hangups, Events + 1});
        {call_hangup, _} ->
            Driver ! {hungup, Hangups + 1, Events},
            call_handler_loop(Request, Driver, {Hangups + 1, Events});
        _Reply ->  % ok from sendmsg
            call_handler_loop(Request, Driver, Seen)
    end.

%% @doc How the call handler sends requests to the gateway (a registered send).
gateway_request(Fs) ->
    fun(Message) -> {bench, Fs} ! Message end.

%% @doc ... and to the fake switch on Node (the sender in the message).
fake_request(Node) ->
    fun(Message) -> {fake_switch, Node} ! {self(), Message} end.

%% @doc An originator for run_calls/4: `api originate Dial' through the gateway.
gateway_originate(Fs, Dial) ->
    fun(_) ->
            {bench, Fs} ! {api, originate, Dial},
            receive {ok, _} -> ok; {error, Reason} -> error({originate, Reason})
            after 30000 -> error(timeout)
            end
    end.

%% @doc ... and through the fake switch.
fake_originate(Node, Dial) ->
    fun(_) ->
            {fake_switch, Node} ! {self(), {api, originate, Dial}},
            receive {ok, _} -> ok after 30000 -> error(timeout) end
    end.

%% @doc Originate N calls (Concurrency at a time) with Originate(I) (which sends the
%% request and waits for its reply) and wait until bench_calls saw N hangups:
%% `{Microseconds, CallEventsSeen}'.
run_calls(Originate, N, Concurrency, Timeout) ->
    bench_calls ! {driver, self()},
    Counter = atomics:new(1, []),
    {Us, Events} = timer:tc(fun() ->
        [spawn_link(fun() -> originate_loop(Originate, Counter, N) end)
         || _ <- lists:seq(1, Concurrency)],
        wait_hangups(N, Timeout)
    end),
    {Us, Events}.

originate_loop(Originate, Counter, N) ->
    I = atomics:add_get(Counter, 1, 1),
    case I =< N of
        true -> Originate(I), originate_loop(Originate, Counter, N);
        false -> ok
    end.

wait_hangups(N, Timeout) ->
    receive
        {hungup, N, Events} -> Events;
        {hungup, _, _} -> wait_hangups(N, Timeout)
    after Timeout -> error({timeout, N})
    end.

%% @doc The baseline switch, registered as `fake_switch': originate answers
%% `{ok, "+OK <uuid>\n"}' and sends `{call, Event}' to Handler; sendmsg answers `ok'
%% and sends Events `{call_event, Event}' then `{call_hangup, UUID}'.
start_fake_switch(Handler, {Event, Events}) ->
    catch unregister(fake_switch),
    register(fake_switch, spawn(fun() -> fake_switch_loop(Handler, {Event, Events}, 0) end)),
    ok.

fake_switch_loop(Handler, {Event, Events} = Script, Seq) ->
    receive
        {From, {api, originate, _}} ->
            UUID = integer_to_list(Seq),
            From ! {ok, "+OK " ++ UUID ++ "\n"},
            Handler ! {call, Event},
            fake_switch_loop(Handler, Script, Seq + 1);
        {From, {sendmsg, UUID, _}} ->
            From ! ok,
            [Handler ! {call_event, Event} || _ <- lists:seq(1, Events)],
            Handler ! {call_hangup, UUID},
            fake_switch_loop(Handler, Script, Seq)
    end.
