"""What test modules share: helpers, fake flight computers, oracles and
strategies. Nothing here is collected; see tests/README.md."""
