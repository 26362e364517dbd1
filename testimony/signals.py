from django.dispatch import Signal

# Sent on commit of a new story, with story_id: the one seam between intake and moderation.
story_received = Signal()

# Sent on commit when a lead takes a story off the wall (story_id): the wall's feeds listen.
story_unpublished = Signal()

# Sent, inside the transaction, when what some walls show changes: a story published or taken
# off, a wall paused, an installation's policy edited. `installation_ids`: those walls, or None
# for every wall. The wall's feeds listen (testimony.wall) and rebuild their pages.
walls_changed = Signal()
