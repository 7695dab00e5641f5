from django.contrib import admin

from transcription.models import VOCABULARY_MAX_TERMS, VocabularyTerm


# --- clinic vocabulary (helper "diar"; plain ModelAdmin, to be restyled by the admin theme) ---------------
@admin.register(VocabularyTerm)
class VocabularyTermAdmin(admin.ModelAdmin):
    """The clinic's custom vocabulary (biases speech recognition; at most 500 terms)."""

    list_display = ("term", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("term",)

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and VocabularyTerm.objects.count() < VOCABULARY_MAX_TERMS
