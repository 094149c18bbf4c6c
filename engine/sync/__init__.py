"""Device sync over MQTT (spec/sync.md): the journal is the outbox, events are signed with
Ed25519 keys named in the owner-signed device list, other devices' events are applied in seq
order per origin, gaps are repaired with `resend`, presence is retained with a Last Will."""
