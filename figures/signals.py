from django.dispatch import Signal

# Sent on commit of a new statistics release (no arguments): the walls that show a statistic
# listen (testimony.wall.feeds) and rebuild their pages.
release_made = Signal()
