"""Join pages of video consultations (included at ``/consult/``)."""

from django.urls import path

from chatmed.consultations.views import video_room_page, video_room_recording

urlpatterns = [
    path("room/<str:session_id>", video_room_page, name="chatmed-video-room"),
    path("room/<str:session_id>/recording", video_room_recording, name="chatmed-video-room-recording"),
]
