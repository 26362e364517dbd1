from testimony.tasks import periodic_job


@periodic_job(name="testimony.publish_due", time_limit=300)
def publish_due() -> int:
    # Beat runs this every WALL_PUBLISH_SECONDS.
    from testimony.wall.publication import publish_due as publish

    return publish()
