"""hilander.hil: the boundary and the application, in layers.

Each subpackage imports only those below it (import-linter holds this; see
docs/architecture.md). A subpackage's ``__init__`` names the few things others
use most; code above may also import a named module inside it::

    cli | gen            the hilander command | code generators
       ^
    report               the only place that draws or writes result files
       ^
    campaign             many landings
       ^
    analysis             back-to-back, replay, the fuel-optimal bound
       ^
    session | board | conformance
                         the world's end | the controller's end | the protocol's test kit
       ^
    link                 bytes and frames over a port
       ^
    wire                 the protocol as bytes <-> messages, sans-I/O

``wire``: the field tables (the single source of truth for every message),
the message records, the schema hash, the codec (COBS, header, CRC-32C) and
hazard-map chunking. No ports, clocks or threads, and nothing compiled.

``link``: transports (a serial port, a pyserial URL, a pseudo-terminal),
seeded link faults, recordings of every byte, and the ``Link`` that numbers,
frames, decodes and counts. Nothing about landings.

``session``: the world's end. ``open_board(url, options)`` opens a board and
puts a ``RemoteController`` (a flight computer whose law runs on the board)
at its end; the handshake, lockstep and real time, the link statistics and
the board's summary records.

``board``: the controller's end, in Python: ``Board`` and ``VirtualBoard``,
the C firmware built and started (host or QEMU), flight computers by name.

``conformance``: ``hilander check-board``'s suite: a world at the byte level
(every header field chosen, every answer kept) and the cases of the
controller's rules, each naming the section of docs/protocol.md it checks.

``analysis``: what is computed from flights and recordings: two command
streams compared step by step, a recording flown again, the fuel-optimal
descent.

``campaign``: N dispersed landings serially, on processes or on Dask; the
campaign summary and runs table; golden baselines.

``report``: the text for a terminal, the result files, the self-contained
HTML report and its figures (matplotlib only in ``report.figures.plotting``).

``cli``: argument parsing, printing, progress and exit statuses; nothing
imports it. ``gen``: generators a developer runs (the C message structs and
the generated tables of docs/protocol.md and docs/scenarios.md).

``hil/testing`` is not part of this package: it installs as
``hilander.testing``, above hil.
"""
