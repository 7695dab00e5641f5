"""The clinic admin: MedSync's Django admin site (django-unfold theme), per-clinic dashboard, clinic choice.

Who sees what (see :mod:`clinicadmin.access`):

- the platform operator (a Django superuser) at the public host (``localhost``) sees clinics, plans,
  API keys and usage of every clinic;
- a clinic's staff (a Django staff user with a :class:`clinics.models.StaffMembership`) sign in at the
  clinic's host (``<clinic>.localhost``), or at the public host and then choose one of their clinics,
  and see only that clinic's data.
"""
