"""The booking conversation: vocabulary, language detection, dates, understanding, replies, engine."""
