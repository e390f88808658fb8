"""The web app's backend: everything `app.py` (the only Gradio module) needs that is not Gradio.

Modules: backend (AppBackend over `assistant.services`), upload_flow (its uploads), chat
(conversation turns, streaming, stop), citations (citation views and highlights), render
(HTML/markdown, all report text escaped), export (.docx, CSV), uploads (staging, leftovers),
indicators, evaluation, auth (login throttling), i18n (Vietnamese strings for Gradio's own
chrome), llm_stream (streamed LLM answers), web (page language, port check), fmt (numbers).
"""
