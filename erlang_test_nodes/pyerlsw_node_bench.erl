%% Erlang side of bench/node_bench.py: the same loads against an Erlang peer and
%% against the pyerlsw node, timed on the Erlang side where Erlang drives the load.
%% Compiled by the benchmark with erlc (OTP 25); OTP 28's runtime has no compiler.
-module(pyerlsw_node_bench).
-export([start_sink/0, start_echo/0, one_way/3, round_trips/4, sink_loop/0, echo_loop/0]).

%% A registered `sink`: on {count, From, N} it counts N further messages, then
%% sends {done, N} to From.
start_sink() ->
    catch unregister(sink),
    register(sink, spawn(fun sink_loop/0)),
    ok.

sink_loop() ->
    receive
        {count, From, N} -> count(N), From ! {done, N}, sink_loop()
    end.

count(0) -> ok;
count(N) -> receive _ -> count(N - 1) end.

%% A registered `echo`: {From, Ref, Msg} -> From ! {Ref, Msg}.
start_echo() ->
    catch unregister(echo),
    register(echo, spawn(fun echo_loop/0)),
    ok.

echo_loop() ->
    receive
        {From, Ref, Msg} -> From ! {Ref, Msg}, echo_loop()
    end.

%% Send N copies of Term to the sink Dest ({sink, Node}); return microseconds from
%% the first send to the sink's {done, N}.
one_way(Dest, N, Term) ->
    {Us, ok} = timer:tc(fun() ->
        Dest ! {count, self(), N},
        send_n(Dest, N, Term),
        receive {done, N} -> ok after 120000 -> error(timeout) end
    end),
    Us.

send_n(_, 0, _) -> ok;
send_n(Dest, N, Term) -> Dest ! Term, send_n(Dest, N - 1, Term).

%% Clients concurrent processes, each doing PerClient calls {self(), Ref, Msg} to
%% Dest and waiting for {Ref, _}; return total microseconds.
round_trips(Dest, Clients, PerClient, Msg) ->
    Parent = self(),
    {Us, ok} = timer:tc(fun() ->
        Pids = [spawn_link(fun() -> calls(Dest, PerClient, Msg), Parent ! {client_done, self()}
                           end) || _ <- lists:seq(1, Clients)],
        [receive {client_done, P} -> ok after 120000 -> error(timeout) end || P <- Pids],
        ok
    end),
    Us.

calls(_, 0, _) -> ok;
calls(Dest, N, Msg) ->
    Ref = make_ref(),
    Dest ! {self(), Ref, Msg},
    receive {Ref, _} -> calls(Dest, N - 1, Msg) after 30000 -> error(timeout) end.
