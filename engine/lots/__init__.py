"""Credit lots below the operations: their kinds, types and status (`rules`) and the order in
which a spend draws on them (`draws`). Both the entitlements operations and the sync authority
judging a spend use them, so they sit below both."""
