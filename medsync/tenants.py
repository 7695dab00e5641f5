"""Tenant selection from the request's host, with the host → clinic lookup cached per process."""

from __future__ import annotations

from django_tenants.middleware.main import TenantMainMiddleware

from medsync import lookup_cache


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' ``TenantMainMiddleware`` whose ``Domain`` lookup is cached per process.

    The host → clinic answer (or "no such domain", which selects the public schema) is kept for
    ``MEDSYNC_LOOKUP_CACHE_SECONDS`` (:mod:`medsync.lookup_cache`); saving or deleting a ``Domain`` or
    ``Clinic`` clears it. Raises ``Domain.DoesNotExist`` like the parent for an unknown host.
    """

    def get_tenant(self, domain_model, hostname):
        def load():
            domain = domain_model.objects.select_related("tenant").filter(domain=hostname).first()
            return domain.tenant if domain is not None else None

        tenant = lookup_cache.domains.get_or_load(hostname, load)
        if tenant is None:
            raise domain_model.DoesNotExist(hostname)
        return tenant
