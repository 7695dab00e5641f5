"""Join pages of video consultations (included at ``/consult/``)."""

from django.urls import path

from chatmed.consultations.views import video_room_page

urlpatterns = [
    path("room/<str:session_id>", video_room_page, name="chatmed-video-room"),
]
