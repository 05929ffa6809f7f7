%%% myhandler: a call handler for a switch that speaks mod_erlang_event
%%% (FreeSWITCH, or pyerlsw).
%%%
%%% The dialplan application `erlang' hands a call to an Erlang node in one of three
%%% ways; this module serves all of them:
%%%
%%%   <action application="erlang" data="myhandler mynode@myhost"/>
%%%       Every call's messages go to the process registered as `myhandler'
%%%       (start it with myhandler:start()).
%%%
%%%   <action application="erlang" data="myhandler:! mynode@myhost"/>
%%%       The switch asks the registered `myhandler' for a process with
%%%       {get_pid, UUID, Ref, FsPid}; it answers {Ref, NewPid} and NewPid gets
%%%       that call's messages.
%%%
%%%   <action application="erlang" data="myhandler:launch mynode@myhost"/>
%%%       The switch calls myhandler:launch(Ref) by rpc, which returns
%%%       {Ref, NewPid}; no registered process is needed.
%%%
%%% A call handler then receives, in this order:
%%%
%%%   {call, {event, [UUID | Headers]}}        once, with the channel's data
%%%   {call_event, {event, [UUID | Headers]}}  for each event of the call
%%%   {call_hangup, UUID}                      once, when the call is gone
%%%
%%% UUID, header names and values are charlists, or binaries when the switch uses
%%% `encoding' `binary'. To act on the call, send commands to the switch node, e.g.
%%% answering it:
%%%
%%%   {sendmsg, FsNode} ! {sendmsg, UUID, [{"call-command", "execute"},
%%%                                        {"execute-app-name", "answer"}]}
%%%
%%% This handler only logs what it sees, with error_logger (the shell prints each
%%% line as an INFO REPORT).
%%%
%%% Build: erlc myhandler.erl
-module(myhandler).

-export([start/0, run/0, launch/1]).

%% Start the handler process and register it under the module's name.
start() ->
    Pid = spawn(?MODULE, run, []),
    register(?MODULE, Pid).

%% The handler loop. The registered process serves every call sent to it; a process
%% created for one call (get_pid or launch) stops once its call has hung up.
run() ->
    receive
        {call, {event, [UUID | _Headers]}} ->
            error_logger:info_msg("myhandler ~p: new call received, UUID is ~p~n",
                                  [self(), UUID]),
            run();
        {call_event, {event, [UUID | Headers]}} ->
            Name = header(Headers, "Event-Name"),
            error_logger:info_msg("myhandler ~p: UUID ~p, event ~p~n", [self(), UUID, Name]),
            run();
        {call_hangup, UUID} ->
            error_logger:info_msg("myhandler ~p: UUID ~p, hung up~n", [self(), UUID]),
            case whereis(?MODULE) =:= self() of
                true -> run();    % the registered handler keeps serving calls
                false -> ok       % a per-call handler is done
            end;
        {get_pid, UUID, Ref, FsPid} ->
            %% Hand the call to a new process: the switch waits (up to 5 s) for
            %% {Ref, NewPid} and then sends that call's messages to NewPid.
            NewPid = spawn(?MODULE, run, []),
            error_logger:info_msg("myhandler ~p: request to spawn new handler process "
                                  "for ~p, returning ~p~n", [self(), UUID, NewPid]),
            FsPid ! {Ref, NewPid},
            run();
        Other ->
            %% Drop anything else so the mailbox cannot fill up.
            error_logger:info_msg("myhandler ~p: ignoring ~p~n", [self(), Other]),
            run()
    end.

%% Called by the switch through rpc (`erlang myhandler:launch Node'): start a
%% process for the new call and return it with the reference.
launch(Ref) ->
    NewPid = spawn(?MODULE, run, []),
    error_logger:info_msg("myhandler ~p: launch request, returning ~p~n", [self(), NewPid]),
    {Ref, NewPid}.

%% The value of header Name (a charlist), whichever encoding the switch uses;
%% `undefined' if the event has no such header.
header([{Key, Value} | Rest], Name) ->
    case Key =:= Name orelse Key =:= list_to_binary(Name) of
        true -> Value;
        false -> header(Rest, Name)
    end;
header([_ | Rest], Name) ->
    header(Rest, Name);
header([], _Name) ->
    undefined.
