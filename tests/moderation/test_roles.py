"""The three roles as groups of permissions (moderation.roles)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission

from moderation import accounts, roles
from moderation.roles import ensure_groups, role_held, role_of

pytestmark = pytest.mark.django_db

EVERY_PERMISSION = [
    roles.REVIEW,
    roles.SECOND_REVIEW,
    roles.UNPUBLISH,
    roles.MANAGE,
    roles.METRICS,
    roles.OPERATE_WALL,
]


def permissions_of(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def fresh(user):
    """The account as a new request loads it (Django caches permissions on the object)."""
    return get_user_model().objects.get(pk=user.pk)


# --- ensure_groups ----------------------------------------------------------------------------


def test_the_three_groups_exist_after_migrate():
    assert set(Group.objects.filter(name__in=roles.ROLES).values_list("name", flat=True)) == {
        "moderator",
        "lead",
        "admin",
    }


def test_ensure_groups_twice_changes_nothing():
    ensure_groups()
    before = {name: permissions_of(name) for name in roles.ROLES}
    ensure_groups()
    assert Group.objects.filter(name__in=roles.ROLES).count() == 3
    assert {name: permissions_of(name) for name in roles.ROLES} == before


def test_ensure_groups_puts_back_a_group_deleted_by_hand():
    Group.objects.filter(name="lead").delete()
    ensure_groups()
    assert permissions_of("lead") == set(roles.ROLE_PERMISSIONS["lead"])


def test_ensure_groups_takes_back_a_permission_given_by_hand():
    moderators = Group.objects.get(name="moderator")
    moderators.permissions.add(Permission.objects.get(codename="unpublish_story"))
    ensure_groups()
    assert permissions_of("moderator") == {roles.REVIEW}


def test_every_permission_a_role_names_exists():
    """A misspelt permission would silently give a role nothing."""
    for role, names in roles.ROLE_PERMISSIONS.items():
        assert permissions_of(role) == set(names), role


def test_the_admin_group_holds_every_permission_of_the_workspace():
    """Should an admin's superuser flag ever be cleared, the group still gives the lead's rights."""
    assert permissions_of("admin") >= set(EVERY_PERMISSION)


# --- Each role's permissions, as an account holds them -----------------------------------------


def test_a_moderator_may_review_and_nothing_more(moderator):
    user = fresh(moderator)
    assert user.has_perm(roles.REVIEW)
    assert [p for p in EVERY_PERMISSION if user.has_perm(p)] == [roles.REVIEW]


def test_a_lead_holds_every_permission_of_the_workspace(lead):
    user = fresh(lead)
    assert [p for p in EVERY_PERMISSION if user.has_perm(p)] == EVERY_PERMISSION


def test_a_lead_is_not_an_admin(lead):
    user = fresh(lead)
    assert not user.is_superuser and not user.is_staff
    assert not user.has_perm("testimony.change_installation")


def test_an_admin_is_a_superuser_with_the_django_admin(make_user):
    user = fresh(make_user("admin", "aigul"))
    assert user.is_superuser and user.is_staff
    assert all(user.has_perm(p) for p in EVERY_PERMISSION)
    assert user.has_perm("testimony.change_installation")


def test_a_changed_role_takes_the_old_ones_permissions_away(make_user):
    admin, user = make_user("admin", "aigul"), make_user("lead", "lena-2")
    accounts.moderator_update(user=user, actor=admin, role="moderator")
    assert [p for p in EVERY_PERMISSION if fresh(user).has_perm(p)] == [roles.REVIEW]


def test_a_deactivated_account_has_no_permission(moderator, lead):
    accounts.moderator_update(user=moderator, actor=lead, active=False)
    assert not fresh(moderator).has_perm(roles.REVIEW)


# --- role_held and role_of --------------------------------------------------------------------


@pytest.mark.parametrize("role", roles.ROLES)
def test_an_active_account_acts_in_the_role_it_holds(make_user, role):
    user = make_user(role)
    assert role_held(user) == role_of(user) == role


def test_a_deactivated_account_holds_its_role_but_acts_in_none(moderator, lead):
    accounts.moderator_update(user=moderator, actor=lead, active=False)
    user = fresh(moderator)
    assert role_held(user) == "moderator"
    assert role_of(user) == ""


def test_a_reactivated_account_acts_in_its_role_again(moderator, lead):
    accounts.moderator_update(user=moderator, actor=lead, active=False)
    accounts.moderator_update(user=moderator, actor=lead, active=True)
    assert role_of(fresh(moderator)) == "moderator"


def test_a_deactivated_admin_holds_admin_but_acts_in_none(make_user):
    admin = make_user("admin", "aigul")
    admin.is_active = False
    admin.save()  # as the Django admin's change form does
    assert role_held(admin) == "admin" and role_of(admin) == ""


def test_a_superuser_in_no_group_is_an_admin(db):
    """The first account, made with `manage.py createsuperuser`."""
    user = get_user_model().objects.create_superuser(username="root", password="x")
    assert role_held(user) == role_of(user) == "admin"


def test_the_highest_of_two_groups_is_the_role(moderator):
    moderator.groups.add(Group.objects.get(name="lead"))
    assert role_held(moderator) == role_of(moderator) == "lead"


def test_an_account_in_no_group_has_no_role(db):
    user = get_user_model().objects.create_user(username="visitor", password="x")
    assert role_held(user) == role_of(user) == ""


@pytest.mark.parametrize("nobody", [None, AnonymousUser()])
def test_nobody_logged_in_has_no_role(nobody):
    assert role_held(nobody) == role_of(nobody) == ""
