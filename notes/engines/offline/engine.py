"""``OfflineNoteEngine``: the pipeline that ties the steps together.

Turns -> sentences (``sentences``) -> note-worthiness (``filters``) ->
topic scores (``topics``) -> yes/no answers (``answers``) -> sections
(``routing``) -> note style (``person``), with the derived sections
(``complaint``, ``ros``, ``problems``) and the exact evidence of every
sentence.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Sequence

from notes.engines import clinical_lexicon, speech_cleanup
from notes.engines.base import CLINICIAN, NoteResult, Turn, render_markdown
from notes.engines.offline.answers import (
    _ANSWER_ONLY_WITH_QUESTION, _HEDGE_ANSWER, _answer_statement, _wh_answer_statement,
)
from notes.engines.offline.complaint import _chief_complaint, _greeted_names
from notes.engines.offline.filters import _INTRO, _content_words, _is_note_worthy, _shared_content
from notes.engines.offline.lexicons import (
    _ASKED, _BARE_CONDITIONAL, _NEG_ANSWER, _NEG_DETERMINER, _NEVER, _POS_ANSWER, _QUESTION_START,
    _UNMARKED_QUESTION,
    _detect_language, _rx,
)
from notes.engines.offline.model import _Context, _Sentence
from notes.engines.offline.normalise import _normalise
from notes.engines.offline.person import _detect_gender, _note_style
from notes.engines.offline.problems import _CONDITION_HINT, _problems
from notes.engines.offline.ros import _review_of_systems, _symptoms_in
from notes.engines.offline.routing import (
    _BULLET_TOPICS, _SECTION_TOPICS, _SUBHEADINGS, _TOPIC_DESCRIPTORS, _section_content_words, _section_words,
)
from notes.engines.offline.sentences import _clean, _remove_fillers, _split_sentences, _strip_leading
from notes.engines.offline.topics import _ALLERGY_STATEMENT, _TOPIC_CUES, _adjust_scores, _score
from notes.engines.offline.uncertain import UncertainWords, has_placeholder
from templates.builtin import SUPPORTED_LANGUAGES, SectionSpec, TemplateSpec


class OfflineNoteEngine:
    """Rule-based note engine that runs without network or models.

    Deterministic: the same turns, template and language always give the
    same ``NoteResult``. ``generate`` never raises for well-formed input; an
    empty conversation yields a note whose sections are all "Not discussed.".
    """

    name = "offline"

    def __init__(self, *, max_section_sentences: int = 40) -> None:
        """Create the engine.

        Args:
            max_section_sentences: Upper bound of sentences kept per section,
                so a long visit cannot make one section unreadable.
        """
        self.max_section_sentences = max_section_sentences
        self._compiled: dict[str, dict[str, re.Pattern[str]]] = {}

    # -- public API -------------------------------------------------------

    def generate(
        self, *, turns: Sequence[Turn], template: TemplateSpec, language: str
    ) -> NoteResult:
        """Write a note for ``turns`` following ``template``.

        Args:
            turns: Diarized conversation (speaker 0 = clinician, 1 = patient).
            template: Built-in or custom template.
            language: Note language (``SUPPORTED_LANGUAGES``); unknown codes
                fall back to English headings and cues.

        Returns:
            ``NoteResult`` with one entry per template section (empty string
            when nothing relevant was said) and ``engine="offline"``.
            Words of ``Turn.words`` below ``LOW_CONFIDENCE`` appear as
            ``[unclear: word?]`` and never yield a structured fact (problem,
            review-of-systems line, chief complaint); see
            ``notes.engines.offline.uncertain``. ``evidence`` gives every
            note sentence's source turns; ``unsupported_sentences`` lists
            the ones built without any (none in practice: every sentence is
            built from turns).
        """
        uncertain, turns = UncertainWords.protect(turns)
        note_lang = language if language in SUPPORTED_LANGUAGES else "en"
        src_lang = _detect_language(turns, default=note_lang)
        names = _greeted_names(turns)
        ctx = _Context(src_lang, note_lang, _detect_gender(turns, src_lang, names), names)
        sentences = self._prepare(turns, src_lang)
        self._route_uncertain(sentences, uncertain, src_lang)

        section_topics = {s.key: self._topics_for_section(s) for s in template.sections}
        if not any("hpi" in t for t in section_topics.values()):
            # Dental templates have no history section: the complaint's
            # history goes with the chief complaint.
            for key, topics in section_topics.items():
                if "cc" in topics:
                    section_topics[key] = topics + ("hpi",)
                    break
        assigned = self._assign(sentences, template, section_topics, ctx)

        bodies: dict[str, str] = {}
        evidence: list[dict] = []
        used_ros = False
        used_cc = False
        for spec in template.sections:
            topics = section_topics[spec.key]
            parts: list[str] = []
            rendered: list[tuple[str, str]] = []
            section_ev: list[tuple[str, list[int]]] = []
            for topic in topics:
                text = ""
                if topic == "cc":
                    if not used_cc:
                        cc_turns: list[int] = []
                        text = _chief_complaint(sentences, ctx, cc_turns)
                        if has_placeholder(text):
                            text = ""  # a chief complaint resting on an uncertain word is not stated
                        if text:
                            section_ev.append((text, sorted(set(cc_turns))))
                        used_cc = True
                elif topic == "ros":
                    if not used_ros:
                        text = _review_of_systems(sentences, ctx, section_ev)
                        used_ros = True
                else:
                    topic_ev: list[tuple[str, list[int]]] = []
                    text = self._render_topic(topic, assigned.get((spec.key, topic), []), ctx, topic_ev)
                    if topic in ("assessment", "dental_dx"):
                        problem_turns: list[list[int]] = []
                        problems = _problems(sentences, ctx, problem_turns)
                        # A problem resting on an uncertain word is not listed.
                        kept = [(p, t) for p, t in zip(problems, problem_turns) if not has_placeholder(p)]
                        problems, problem_turns = [p for p, _ in kept], [t for _, t in kept]
                        if problems:
                            listing = "\n".join(f"{i}. {p}" for i, p in enumerate(problems, 1))
                            text = f"{listing}\n\n{text}" if text else listing
                            section_ev.extend(zip(problems, problem_turns))
                    section_ev.extend(topic_ev)
                if text:
                    rendered.append((topic, text))
            multi = len(rendered) > 1
            for topic, text in rendered:
                if multi and topic in _SUBHEADINGS:
                    label = _SUBHEADINGS[topic].get(ctx.note_lang, _SUBHEADINGS[topic]["en"])
                    inline = "\n" not in text and not text.startswith(("- ", "1. "))
                    parts.append(f"**{label}:** {text}" if inline else f"**{label}:**\n{text}")
                else:
                    parts.append(text)
            fallback = assigned.get((spec.key, "__lexical__"), [])
            if fallback:
                parts.append(self._render_topic("__lexical__", fallback, ctx, section_ev))
            bodies[spec.key] = uncertain.restore("\n\n".join(p for p in parts if p).strip())
            evidence.extend(
                {"section": spec.key, "sentence": uncertain.restore(line), "utterances": src, "supported": bool(src),
                 "reasons": [] if src else ["no source utterance"]}
                for line, src in section_ev
            )

        markdown = render_markdown(template, note_lang, bodies)
        return NoteResult(markdown=markdown, sections=bodies, engine=self.name, evidence=evidence)

    # -- preparation --------------------------------------------------------

    def _cues(self, lang: str) -> dict[str, re.Pattern[str]]:
        """Compiled topic regexes for ``lang`` (cached)."""
        if lang not in self._compiled:
            compiled: dict[str, re.Pattern[str]] = {}
            for topic, by_lang in _TOPIC_CUES.items():
                frags = by_lang.get(lang, ()) or by_lang["en"]
                compiled[topic] = re.compile(r"(?<![\w])(?:" + _rx(frags) + r")", re.I)
            self._compiled[lang] = compiled
        return self._compiled[lang]

    def _route_uncertain(self, sentences: list[_Sentence], uncertain: UncertainWords, lang: str) -> None:
        """Give a sentence whose topic cue is an uncertain word a section.

        Placing "This looks like [unclear: pneumonia?]" in the assessment
        states nothing (the word stays marked and no problem is listed from
        it), while dropping it would hide from the clinician that something
        was said. Only sentences without any topic score are re-scored.
        """
        if not uncertain.words:
            return
        cues = self._cues(lang)
        for sent in sentences:
            if sent.is_question or sent.scores or not has_placeholder(sent.text):
                continue
            probe = dataclasses.replace(sent, text=uncertain.plain(sent.text), scores={})
            probe.scores = _score(probe.text, sent.speaker, cues)
            _adjust_scores(probe, lang)
            sent.scores = probe.scores

    def _prepare(self, turns: Sequence[Turn], lang: str) -> list[_Sentence]:
        """Normalise, split and score every sentence of the conversation."""
        cues = self._cues(lang)
        neg = re.compile(_NEG_ANSWER.get(lang, _NEG_ANSWER["en"]), re.I)
        pos = re.compile(_POS_ANSWER.get(lang, _POS_ANSWER["en"]), re.I)
        qstart = re.compile(_QUESTION_START.get(lang, _QUESTION_START["en"]), re.I)
        out: list[_Sentence] = []
        last_question: _Sentence | None = None
        last_question_turn = -10
        patient_question: _Sentence | None = None  # a question ending the previous non-clinician turn
        for t_idx, turn in enumerate(turns):
            text = speech_cleanup.preclean(_normalise(turn.text, lang), lang)
            if not text:
                continue
            raw_sentences = _split_sentences(text, lang)
            for s_pos, raw in enumerate(raw_sentences):
                stripped_raw = raw.strip()
                polarity = 0
                probe = _strip_leading(_remove_fillers(stripped_raw.lower(), lang), lang, keep_answers=True)
                named_only = False
                if turn.speaker != CLINICIAN and s_pos == 0:
                    if neg.match(probe):
                        polarity = -1
                        # "Kein Fieber, aber ...", "No nausea, ...": the no
                        # negates the thing it names, not the whole question.
                        named_only = bool(_NEG_DETERMINER.get(lang, _NEVER).match(probe))
                    elif pos.match(probe):
                        polarity = 1
                cleaned = _clean(stripped_raw, lang)
                is_q = stripped_raw.endswith("?") or bool(qstart.match(cleaned.lower())) or stripped_raw.startswith("¿")
                if not is_q and _BARE_CONDITIONAL.get(lang, _NEVER).match(probe):
                    # "and if it upsets my stomach" (speech-to-text, no "?"): a bare if-clause with no main
                    # clause asks what to do; it was stated as "reports if it upsets their stomach".
                    is_q = True
                sent = _Sentence(
                    idx=len(out), turn=t_idx, speaker=turn.speaker, text=cleaned, is_question=is_q,
                    answer_polarity=polarity, polarity_named_only=named_only,
                )
                if (
                    turn.speaker != CLINICIAN and s_pos == 0 and last_question is None
                    and out and out[-1].speaker == CLINICIAN and out[-1].turn == t_idx - 1
                    and _UNMARKED_QUESTION.get(lang, _NEVER).match(out[-1].text)
                    and (polarity != 0 or _HEDGE_ANSWER.match(probe)
                         # a clinician turn of one or two words ("fuma", "smoking") is a question
                         # whatever the answer ("ho vaig deixar fa deu anys" was dropped)
                         or (len(out[-1].text.split()) <= 2 and (len(out) < 2 or out[-2].turn != t_idx - 1)))
                ):
                    # Speech-to-text output without "?": a verb-first
                    # clinician sentence ("Tiene fiebre") answered by "sí"/"no"
                    # was a question, never a statement of fact.
                    out[-1].is_question = True
                    out[-1].scores = {}
                    last_question, last_question_turn = out[-1], t_idx - 1
                if turn.speaker != CLINICIAN and last_question is not None and last_question_turn == t_idx - 1:
                    # Every sentence of the answer turn is read with its question.
                    sent.asked = last_question
                    if s_pos == 0:
                        sent.question = last_question
                if cleaned:
                    sent.scores = _score(cleaned, turn.speaker, cues)
                    _adjust_scores(sent, lang)
                    if sent.question is not None and max(sent.scores.values(), default=0.0) < 0.7:
                        # An answer that names no topic of its own ("Yes, my
                        # appendix was taken out in 2015" to "Any surgeries?")
                        # is routed by its question.
                        sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                        _adjust_scores(sent, lang)
                if sent.question is not None and polarity == 0 and lang == "en":
                    wh = _wh_answer_statement(sent.question.text, cleaned)
                    if wh:
                        sent.derived = wh
                        sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                if (
                    turn.speaker == CLINICIAN and s_pos == 0 and patient_question is not None and cleaned
                    and patient_question.turn == t_idx - 1
                    # "Yes, most likely." to "Is that why I'm so tired?": the cleaned text has lost its "yes",
                    # and what is left cannot stand alone ("Yes, I'll write you a prescription" can)
                    and (_ANSWER_ONLY_WITH_QUESTION.search(cleaned)
                         or _ANSWER_ONLY_WITH_QUESTION.match(stripped_raw) and _content_words(cleaned, lang) < 3)
                    and _content_words(cleaned, lang) < 6
                ):
                    # The clinician answering the patient's question ("Should
                    # I stop the aspirin before surgery?" - "Yes, stop it 7
                    # days before."): the answer only means something with it.
                    sent.derived = f'{cleaned.rstrip(".")} ({_ASKED.get(lang, "asked")}: "{patient_question.text.strip()}")'
                    sent.derived_raw = True
                    sent.extra_turns = (patient_question.turn,)
                    sent.scores = _score(patient_question.text + " " + cleaned, turn.speaker, cues)
                    _adjust_scores(sent, lang)
                    # Advice asked for ("Can I lift weights?" - "Yes, absolutely."): plan, never an examination
                    # finding.
                    if "exam" in sent.scores:
                        sent.scores["plan"] = max(sent.scores.get("plan", 0.0), sent.scores.pop("exam"))
                if (
                    sent.question is not None and polarity == 0 and not sent.derived and cleaned
                    and clinical_lexicon.drug_names(sent.question.text) and not clinical_lexicon.drug_names(cleaned)
                    and clinical_lexicon.has_measure_or_drug(cleaned)
                ):
                    # "How are you taking the warfarin?" - "5 mg on Mondays
                    # ...": the dose only means something with the drug.
                    sent.derived = f'{cleaned.rstrip(".")} ({_ASKED.get(lang, "asked")}: "{sent.question.text.strip()}")'
                    sent.derived_raw = True
                    sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                if (
                    sent.question is not None and polarity == 0 and not sent.derived and cleaned
                    and len(cleaned.split()) <= 8
                    and (
                        _content_words(cleaned, lang) < 2 and clinical_lexicon.has_clinical_content(cleaned, lang)
                        or _HEDGE_ANSWER.match(cleaned)
                    )
                ):
                    # "What do you take?" - "Metformin.": too short to stand
                    # alone, so the note keeps the answer with its question
                    # rather than dropping it.
                    sent.derived = f'{cleaned.rstrip(".")} ({_ASKED.get(lang, "asked")}: "{sent.question.text.strip()}")'
                    sent.derived_raw = True
                    sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                if (
                    sent.question is not None and polarity == 0 and not sent.derived and cleaned
                    and sent.question.speaker == CLINICIAN and len(sent.question.text.split()) <= 3
                    and clinical_lexicon.has_clinical_content(sent.question.text, lang)
                    and len(cleaned.split()) <= 8 and not _shared_content(sent.question.text, cleaned, lang)
                ):
                    # "Do you smoke?" - "I quit ten years ago." / "Fuma" - "Ho vaig deixar fa deu anys": the
                    # answer does not say what it is about, so it keeps its question (it was "The patient quit
                    # 10 years ago.", or dropped without the "?").
                    sent.derived = f'{cleaned.rstrip(".")} ({_ASKED.get(lang, "asked")}: "{sent.question.text.strip()}")'
                    sent.derived_raw = True
                    sent.scores = _score(sent.question.text + " " + cleaned, turn.speaker, cues)
                extra: _Sentence | None = None
                if sent.question is not None and polarity != 0:
                    # The answer without its yes/no word, keeping "but" and
                    # "no" of what follows ("yes, but no chills").
                    answer = _strip_leading(_remove_fillers(stripped_raw, lang), lang, keep_answers=True)
                    answer_re = _NEG_ANSWER.get(lang, _NEG_ANSWER["en"]) if polarity < 0 else _POS_ANSWER.get(lang, _POS_ANSWER["en"])
                    rest = re.sub(answer_re + r"[\s,.!]*", "", answer, count=1, flags=re.I).strip(" ,.;!")
                    if _content_words(rest, lang) < 3:
                        # A short answer only makes sense with the question:
                        # turn the pair into one statement, keeping what the
                        # answer adds ("Allergies?" - "Yes, penicillin." ->
                        # "reports allergies: penicillin"). The yes/no covers
                        # only the symptoms the answer does not qualify.
                        derived, rest_apart = _answer_statement(
                            sent.question.text, rest, polarity, lang, answer=answer, turn_text=text,
                            named_only=named_only,
                        )
                        sent.derived = derived
                        sent.scores = _score(sent.question.text + " " + rest, turn.speaker, cues)
                        if "allergies" in sent.scores and _ALLERGY_STATEMENT.search(sent.question.text):
                            # "Allergies?" - "Yes, penicillin.": an allergy, not a medication.
                            sent.scores["allergies"] = max(sent.scores["allergies"], sent.scores.get("meds", 0.0) + 0.5)
                        if rest_apart:
                            # "No, but my ankles swell": the contrast is a
                            # statement of its own.
                            extra = _Sentence(
                                idx=len(out) + 1, turn=t_idx, speaker=turn.speaker, text=_clean(rest_apart, lang),
                                is_question=False,
                            )
                            extra.scores = _score(extra.text, turn.speaker, cues)
                            _adjust_scores(extra, lang)
                        if not sent.derived:
                            sent.text = "" if not rest_apart else sent.text
                            if rest_apart:
                                # Kept for the review of systems (the yes/no
                                # to the question), written by ``extra``.
                                sent.scores = {}
                                sent.render = False
                out.append(sent)
                if extra is not None and extra.text:
                    out.append(extra)
                if turn.speaker == CLINICIAN and is_q:
                    last_question = sent
                    last_question_turn = t_idx
            if turn.speaker == CLINICIAN and not (out and out[-1].turn == t_idx and out[-1].is_question):
                # Only a question that *ends* the clinician's turn is answered
                # by the next patient turn.
                last_question = None
            ended_with_question = bool(out and out[-1].turn == t_idx and out[-1].is_question)
            patient_question = out[-1] if turn.speaker != CLINICIAN and ended_with_question else None
        return out

    # -- routing ------------------------------------------------------------

    def _topics_for_section(self, spec: SectionSpec) -> tuple[str, ...]:
        """Topics a section collects: fixed for built-in keys, else by its words."""
        if spec.key in _SECTION_TOPICS:
            return _SECTION_TOPICS[spec.key]
        words = _section_words(spec)
        best: list[tuple[int, int, str]] = []
        for order, (topic, descriptors) in enumerate(_TOPIC_DESCRIPTORS.items()):
            hits = sum(1 for d in descriptors if d in words)
            if hits:
                best.append((hits, -order, topic))
        if not best:
            return ()
        best.sort(reverse=True)
        top = best[0][0]
        chosen = tuple(t for h, _, t in best if h == top)
        return chosen

    def _assign(
        self,
        sentences: list[_Sentence],
        template: TemplateSpec,
        section_topics: dict[str, tuple[str, ...]],
        ctx: "_Context",
    ) -> dict[tuple[str, str], list[_Sentence]]:
        """Give each content sentence to at most one (section, topic) pair."""
        owners: dict[str, str] = {}  # topic -> first section that collects it
        for spec in template.sections:
            for topic in section_topics[spec.key]:
                owners.setdefault(topic, spec.key)
        lexical_sections = [s for s in template.sections if not section_topics[s.key]]
        lexical_words = {s.key: _section_content_words(s) for s in lexical_sections}

        assigned: dict[tuple[str, str], list[_Sentence]] = {}
        intro = _INTRO.get(ctx.src_lang, _INTRO["en"])
        for sent in sentences:
            if not _is_note_worthy(sent, ctx.src_lang):
                continue
            if sent.speaker == CLINICIAN and intro.search(sent.text):
                # The clinician's one-line summary ("a 50-year-old female with
                # a history of ... who presents for ...") opens the history.
                for topic in ("hpi", "behavior", "pmh"):
                    if topic in owners:
                        assigned.setdefault((owners[topic], topic), []).insert(0, sent)
                        break
                else:
                    pass
                if any(t in owners for t in ("hpi", "behavior", "pmh")):
                    continue
            best_topic = None
            best_score = 0.0
            for topic, score in sent.scores.items():
                if topic in owners and score > best_score:
                    best_topic, best_score = topic, score
            if best_topic is not None and best_score >= 0.7:
                assigned.setdefault((owners[best_topic], best_topic), []).append(sent)
                continue
            if (
                sent.speaker != CLINICIAN and "hpi" in owners
                and (
                    sent.derived_raw  # an answer kept with its question
                    # A short answer (read with its question), or a statement
                    # with a symptom, a drug or a measurement. (Long answers
                    # without any of these are mostly narrative.)
                    or (sent.derived or sent.asked is not None and len(sent.text.split()) <= 15)
                    and clinical_lexicon.has_clinical_content(
                        " ".join(x for x in (sent.asked.text if sent.asked else "", sent.derived or sent.text) if x),
                        ctx.src_lang,
                    )
                    or _symptoms_in(sent.text, ctx.src_lang)
                    or clinical_lexicon.has_measure_or_drug(sent.text)
                    or len(sent.text.split()) <= 10 and clinical_lexicon.has_clinical_content(sent.text, ctx.src_lang)
                    or _CONDITION_HINT.search(sent.text) and ctx.src_lang != "en"
                )
            ):
                # What the patient says with clinical content is never lost
                # for want of a topic cue ("it burns when I pee", "yes, the
                # flu shot last month"): it goes to the history.
                assigned.setdefault((owners["hpi"], "hpi"), []).append(sent)
                continue
            if sent.speaker == CLINICIAN and ctx.src_lang != "en" and not sent.is_question:
                # Cue lists are shorter outside English: a clinician's
                # measurement or named condition is never dropped for want
                # of a cue ("L'INR és de 2,8", "C'est un kyste bénin").
                fallback = None
                if clinical_lexicon.drug_names(sent.text):
                    fallback = "plan"
                elif re.search(r"\d", sent.text):
                    fallback = "exam"
                elif _CONDITION_HINT.search(sent.text):
                    fallback = "assessment"
                if fallback in owners:
                    assigned.setdefault((owners[fallback], fallback), []).append(sent)
                    continue
            # Custom sections with no known topic: route by their own words.
            low = sent.text.lower()
            for spec in lexical_sections:
                if any(re.search(r"\b" + re.escape(w), low) for w in lexical_words[spec.key]):
                    assigned.setdefault((spec.key, "__lexical__"), []).append(sent)
                    break
        return assigned

    # -- rendering ----------------------------------------------------------

    def _render_topic(
        self, topic: str, sents: list[_Sentence], ctx: "_Context", evidence: list[tuple[str, list[int]]] | None = None
    ) -> str:
        """Render the sentences of one topic in note style.

        ``evidence`` (when given) receives ``(note_sentence, turn_indices)``
        per rendered line.
        """
        if not sents:
            return ""
        sents = _dedupe(sents)[: self.max_section_sentences]
        rendered = [(_note_style(s, ctx, topic), s) for s in sents]
        rendered = [(line, s) for line, s in rendered if line]
        lines = [line for line, _ in rendered]
        if evidence is not None:
            for line, s in rendered:
                evidence.append((line, _sentence_turns(s)))
        if not lines:
            return ""
        if topic in _BULLET_TOPICS:
            return "\n".join(f"- {line}" for line in lines)
        return " ".join(lines)



def _sentence_turns(s: _Sentence) -> list[int]:
    """Transcript turn indices a rendered sentence rests on (its own, and the
    question a short answer completes)."""
    turns = {s.turn, *s.extra_turns}
    if s.question is not None and (s.derived or s.answer_polarity):
        turns.add(s.question.turn)
    return sorted(turns)


def _dedupe(sents: list[_Sentence]) -> list[_Sentence]:
    """Drop sentences whose text repeats an earlier one."""
    seen: set[str] = set()
    out: list[_Sentence] = []
    for s in sents:
        key = re.sub(r"\W+", " ", (s.derived or s.text).lower()).strip()
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out
