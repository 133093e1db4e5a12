"""hilander.hil.gen: generators a developer runs; tests check their output is
current.

    python -m hilander.hil.gen.cmessages firmware_stub/core   # hl_messages.h and .c
    python -m hilander.hil.gen.protocol_docs docs/protocol.md  # the message tables
    python -m hilander.hil.gen.scenario_docs docs/scenarios.md # the scenario keys
"""

__all__: list[str] = []
