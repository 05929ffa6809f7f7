%%% @doc The outbound call handler of the mod_erlang_event documentation, with hooks
%%% for pyerlsw's integration tests.
%%%
%%% It serves the three outbound modes of the dialplan application `erlang':
%%%
%%% <ul>
%%% <li>`erlang myhandler Node': the registered process `myhandler' (start/0) gets
%%%   every call's `{call, Event}', `{call_event, Event}' and `{call_hangup, UUID}';</li>
%%% <li>`erlang myhandler:! Node': the registered process answers
%%%   `{get_pid, UUID, Ref, FsPid}' with `{Ref, NewPid}' sent to FsPid, NewPid being a
%%%   fresh handler for that call;</li>
%%% <li>`erlang myhandler:launch Node': the switch calls launch(Ref) by rpc, which
%%%   returns `{Ref, NewPid}'.</li>
%%% </ul>
%%%
%%% Like the documentation's example it logs what it sees with error_logger (INFO
%%% REPORTs). On top of that, for tests:
%%%
%%% <ul>
%%% <li>Every observation is reported to a collector process: the pid or name stored
%%%   with set_collector/1, else the process registered as `test_collector' if there is
%%%   one. Reports are `{myhandler, Handler, Kind, ...}' (Handler = the reporting
%%%   process):
%%%   `{myhandler, H, call, UUID, Event}',
%%%   `{myhandler, H, call_event, UUID, EventName, Event}',
%%%   `{myhandler, H, call_hangup, UUID}',
%%%   `{myhandler, H, get_pid, UUID, NewPid}',
%%%   `{myhandler, H, launch, NewPid}',
%%%   `{myhandler, H, action, UUID, Action, Result}',
%%%   `{myhandler, H, no_switch_node, UUID}' (actions configured but no node known),
%%%   `{myhandler, H, freeswitch_sendmsg, Text}' (from the `erlang_sendmsg' app),
%%%   `{myhandler, H, unexpected, Message}' (anything else; it is dropped),
%%%   `{myhandler, H, done}' (a per-call handler whose calls all hung up; it exits).</li>
%%% <li>set_actions/2 makes every handler control its calls when `{call, ..}' arrives:
%%%   each action becomes a sendmsg (fsclient:sendmsg/3) to the switch node. Actions:
%%%   `answer', `hangup', `{hangup, Cause}', `{execute, App, Arg}',
%%%   `{sendmsg, Headers}', and `{on_event, EventName, Action}', which waits until the
%%%   call's first `{call_event, ..}' with that Event-Name.</li>
%%% </ul>
%%%
%%% The switch node is the one given to set_actions/2, or with `auto' the node of the
%%% reference the switch sent with get_pid or launch (registered mode and handlecall
%%% need an explicit node).
-module(myhandler).

-export([start/0, run/0, launch/1]).
-export([stop/0, set_collector/1, set_actions/2, clear_actions/0]).

-define(COLLECTOR_KEY, {?MODULE, collector}).
-define(ACTIONS_KEY, {?MODULE, actions}).

%%% ------------------------------------------------------------------ the seed's API

%% @doc Start the handler process and register it as `myhandler'.
start() ->
    Pid = spawn(?MODULE, run, []),
    register(?MODULE, Pid).

%% @doc The handler loop (registered process, or a per-call process).
run() ->
    loop(#{node => undefined, calls => #{}}).

%% @doc The rpc entry point (`erlang myhandler:launch Node'): spawn a handler for one
%% call and return `{Ref, NewPid}'.
launch(Ref) ->
    NewPid = spawn_handler(node_of(Ref)),
    error_logger:info_msg("myhandler ~p: launch request, returning ~p~n", [self(), NewPid]),
    report(launch, [NewPid]),
    {Ref, NewPid}.

%%% ------------------------------------------------------------------ test hooks

%% @doc Stop the registered handler (no-op when it is not running): `ok'.
stop() ->
    case whereis(?MODULE) of
        undefined ->
            ok;
        Pid ->
            Monitor = erlang:monitor(process, Pid),
            unlink(Pid),
            exit(Pid, kill),
            receive
                {'DOWN', Monitor, process, Pid, _} -> ok
            end
    end.

%% @doc Send reports to Collector (a pid or registered name; `undefined' falls back to
%% the process registered as `test_collector').
set_collector(Collector) ->
    persistent_term:put(?COLLECTOR_KEY, Collector),
    ok.

%% @doc Control every new call with Actions (see the module doc), sending the
%% sendmsg commands to SwitchNode (an atom, or `auto').
set_actions(SwitchNode, Actions) when is_atom(SwitchNode), is_list(Actions) ->
    persistent_term:put(?ACTIONS_KEY, {SwitchNode, Actions}),
    ok.

%% @doc Stop controlling calls (handlers only observe them).
clear_actions() ->
    _ = persistent_term:erase(?ACTIONS_KEY),
    ok.

%%% ------------------------------------------------------------------ the loop

%% State: `node' = the switch node learned from get_pid/launch (or undefined);
%% `calls' = UUID => actions still waiting for an event.
loop(State) ->
    receive
        {call, {event, [UUID | _]} = Event} ->
            error_logger:info_msg("myhandler ~p: new call received, UUID is ~p~n",
                                  [self(), UUID]),
            report(call, [UUID, Event]),
            Pending = start_call(State, UUID),
            loop(State#{calls := maps:put(UUID, Pending, maps:get(calls, State))});
        {call_event, {event, [UUID | _]} = Event} ->
            Name = fsclient:get_event_name(Event),
            error_logger:info_msg("myhandler ~p: UUID ~p, event ~p~n", [self(), UUID, Name]),
            report(call_event, [UUID, Name, Event]),
            loop(on_event(State, UUID, Name));
        {call_hangup, UUID} ->
            error_logger:info_msg("myhandler ~p: UUID ~p, hung up~n", [self(), UUID]),
            report(call_hangup, [UUID]),
            after_hangup(State#{calls := maps:remove(UUID, maps:get(calls, State))});
        {get_pid, UUID, Ref, FsPid} ->
            NewPid = spawn_handler(node(FsPid)),
            error_logger:info_msg("myhandler ~p: request to spawn new handler process, "
                                  "returning ~p~n", [self(), NewPid]),
            FsPid ! {Ref, NewPid},
            report(get_pid, [UUID, NewPid]),
            loop(State);
        {freeswitch_sendmsg, Text} ->
            error_logger:info_msg("myhandler ~p: message from the switch: ~p~n", [self(), Text]),
            report(freeswitch_sendmsg, [Text]),
            loop(State);
        Other ->
            error_logger:info_msg("myhandler ~p: ignoring ~p~n", [self(), Other]),
            report(unexpected, [Other]),
            loop(State)
    end.

spawn_handler(SwitchNode) ->
    spawn(fun() -> loop(#{node => SwitchNode, calls => #{}}) end).

%% A per-call handler exits once its last call hung up; the registered one stays.
after_hangup(#{calls := Calls} = State) ->
    case map_size(Calls) =:= 0 andalso whereis(?MODULE) =/= self() of
        true -> report(done, []);
        false -> loop(State)
    end.

%%% ------------------------------------------------------------------ actions

%% Run the configured actions for a new call; return those waiting for an event.
start_call(State, UUID) ->
    case persistent_term:get(?ACTIONS_KEY, undefined) of
        undefined ->
            [];
        {Configured, Actions} ->
            case switch_node(Configured, State) of
                undefined ->
                    report(no_switch_node, [UUID]),
                    [];
                Node ->
                    {Now, Later} = lists:partition(fun is_immediate/1, Actions),
                    lists:foreach(fun(Action) -> perform(Node, UUID, Action) end, Now),
                    [{Node, Action} || Action <- Later]
            end
    end.

%% Run the actions of this call that waited for event Name.
on_event(#{calls := Calls} = State, UUID, Name) ->
    case maps:find(UUID, Calls) of
        {ok, [_ | _] = Pending} ->
            {Due, Rest} = lists:partition(fun({_, {on_event, Wanted, _}}) ->
                                                  same_text(Wanted, Name)
                                          end, Pending),
            lists:foreach(fun({Node, {on_event, _, Action}}) -> perform(Node, UUID, Action) end,
                          Due),
            State#{calls := maps:put(UUID, Rest, Calls)};
        _ ->
            State
    end.

is_immediate({on_event, _, _}) -> false;
is_immediate(_) -> true.

switch_node(auto, #{node := Learned}) -> Learned;
switch_node(Node, _State) -> Node.

perform(Node, UUID, Action) ->
    Result = try fsclient:sendmsg(Node, UUID, headers(Action))
             catch Class:Reason -> {Class, Reason}
             end,
    error_logger:info_msg("myhandler ~p: ~p on ~p -> ~p~n", [self(), Action, UUID, Result]),
    report(action, [UUID, Action, Result]).

headers(answer) ->
    execute("answer", "");
headers(hangup) ->
    [{"call-command", "hangup"}];
headers({hangup, Cause}) ->
    [{"call-command", "hangup"}, {"hangup-cause", text(Cause)}];
headers({execute, App, Arg}) ->
    execute(text(App), text(Arg));
headers({sendmsg, Headers}) ->
    Headers.

execute(App, "") ->
    [{"call-command", "execute"}, {"execute-app-name", App}];
execute(App, Arg) ->
    [{"call-command", "execute"}, {"execute-app-name", App}, {"execute-app-arg", Arg}].

%%% ------------------------------------------------------------------ helpers

report(Kind, Details) ->
    case collector() of
        undefined -> ok;
        Collector ->
            catch (Collector ! list_to_tuple([?MODULE, self(), Kind | Details])),
            ok
    end.

collector() ->
    case persistent_term:get(?COLLECTOR_KEY, undefined) of
        undefined -> whereis(test_collector);
        Collector -> Collector
    end.

node_of(Ref) when is_reference(Ref) -> node(Ref);
node_of(_) -> undefined.

%% Header values must be charlists (mod_erlang_event refuses binaries there).
text(T) when is_list(T) -> T;
text(T) when is_binary(T) -> binary_to_list(T);
text(T) when is_atom(T) -> atom_to_list(T);
text(T) when is_integer(T) -> integer_to_list(T).

same_text(A, B) -> to_binary(A) =:= to_binary(B).

to_binary(T) when is_binary(T) -> T;
to_binary(T) when is_atom(T) -> atom_to_binary(T, utf8);
to_binary(T) when is_list(T) -> try iolist_to_binary(T) catch error:badarg -> T end;
to_binary(T) -> T.
