"""Play stations over MQTT (spec/sessions.md, "The station agent" and "The meter"): the meter
service on the authority device (charges running sessions, answers the agents, publishes their
state, sends signed commands) and the station agent `playdesk-station` on a PC.

Nothing is imported here: systemd/install.sh runs `engine.stations.brokeracl` with the system's
python3, which has none of playdesk's dependencies."""
