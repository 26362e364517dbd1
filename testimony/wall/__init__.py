"""The wall: what installations show, built on stories.

- `switches` (testimony.switches, below intake and the wall): the pause switches.
- `feeds`: each installation's feed, its versions and cached pages.
- `publication`: approved stories published after a random delay, in batches.
- `installations`, `screens`, `reports`: an installation's settings, its screens' heartbeats,
  the public's reports of a published story.
- `kiosk`: an installation's registered touch screens, which tell stories through intake.
- `api`, `urls`, `schema`: the feed, the heartbeat and the kiosk's endpoints.
- `tasks`: the publisher, run by Celery beat.

The wall builds on stories (testimony's models and services); stories never import the wall:
what some wall shows changes by `testimony.signals.walls_changed`, which `feeds` listens to.
"""
