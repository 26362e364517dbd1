from django.dispatch import Signal

# Sent on commit of a new story, with story_id: the one seam between intake and moderation.
story_received = Signal()

# Sent on commit when a lead takes a story off the wall (story_id): the wall's feeds listen.
story_unpublished = Signal()
