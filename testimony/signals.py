from django.dispatch import Signal

# Sent on commit of a new story, with story_id: the one seam between intake and moderation.
story_received = Signal()
