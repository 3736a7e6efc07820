"""AI-skill tags (issue 13): footer fields are fields, narrowed and added patterns, the
hand-labelled evaluation and `jobtrends eval skills`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analytics.evaluation.skills import LABELS_FILE, evaluate_skills, read_labels, read_texts
from analytics.tagging.skills import parse_footer, parse_skills, read_skill_taxonomy
from jobtrends.cli import cli
from tests.conftest import SHARED_DATA


def skills(text: str) -> set[str]:
    return {t.skill for t in parse_skills(text, read_skill_taxonomy())}


def test_footer_fields_are_split_off_and_never_scanned() -> None:
    text = (
        "Django developer\nFix our API.\nCategory: Machine Learning\n"
        "Skills: Artificial Intelligence, ChatGPT, Chatbot"
    )
    body, fields = parse_footer(text)
    assert body.strip() == "Django developer\nFix our API."
    assert fields == {
        "category": "Machine Learning",
        "skills": "Artificial Intelligence, ChatGPT, Chatbot",
    }
    assert skills(text) == set()
    # the same words in the client's own text do count
    assert skills("Build a chatbot with ChatGPT\nCategory: Web Design") == {
        "chatbot_development",
        "llm_api_integration",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Looking for a ChatGPT expert for our app", {"llm_api_integration"}),
        ("Feed the document into a GPT model for entity extraction", {"llm_api_integration"}),
        ("Help configure LLaMA 2 chat in Azure", {"llm_api_integration"}),
        ("Back end developer with language model experience", {"llm_api_integration"}),
        ("Build an AI bot for SMS messaging", {"chatbot_development"}),
        ("Voice assistant for our dental clinic", {"chatbot_development"}),
        ("Video artist who uses Runway and Kaiber", {"ai_image_video_generation"}),
        ("Image duplicate detection using ML", {"machine_learning"}),
    ],
)
def test_patterns_the_issue_found_missing(text: str, expected: set[str]) -> None:
    assert skills(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # company blurbs and tool talk are not the job's skill
        ("We are an AI startup and need a bookkeeper", set()),
        ("Our agency leverages artificial intelligence; we need a logo", set()),
        ("Familiarity with AI tools for research", set()),
        # LangChain retrieval is LLM work, not an agent
        ("LangChain retrieval over our PDFs", {"llm_api_integration"}),
        ("Build AI agents with LangChain", {"ai_agent_development", "llm_api_integration"}),
        # only welcomed, not asked for
        ("Data engineer. Experience in machine learning is a big plus.", set()),
        ("Power BI analyst. Bonus: machine learning", set()),
        # a.i.'s dots are no sentence break: still negated
        ("No use of a.i. tools like ChatGPT allowed", set()),
        ("Fine-tune a GPT model on our FAQ", {"llm_api_integration"}),
        ("Fine-tune a BERT model for sentiment", {"machine_learning"}),
        # a list under a "Preferred Skills:" heading is only welcomed
        (
            "Requirements:\nPython\nPreferred Skills:\nWearables\nExperience with machine learning",
            set(),
        ),
        (
            "Preferred Skills:\nSQL\nRequirements:\nExperience with machine learning",
            {"machine_learning"},
        ),
        # a cloud product's name is not the skill
        ("Azure Synapse, Azure Data Lake, Azure Machine Learning and Azure Functions", set()),
        ("Clone the Llama-2 notebook in Azure Machine Learning Studio", {"llm_api_integration"}),
        # an AI product to build, but not AI tools, a field, a conjunction or a person between
        ("AI based case management system for a law firm", {"ai_app_development"}),
        ("Create a mobile ordering app powered by AI", {"ai_app_development"}),
        ("iOS AI Health & Productivity App", {"ai_app_development"}),
        ("Build a text-to-image tool for musicians", {"ai_app_development"}),
        ("Familiarity with real-world AI applications", set()),
        ("Experience with AI or SaaS products", set()),
        ("Utilize AI-based techniques and tools", set()),
        # generating images alone may be a render or a logo placed on a photo
        ("Generating images dynamically with logos placed on them", set()),
        ("Generating realistic images with AI for our menu", {"ai_image_video_generation"}),
    ],
)
def test_narrowed_patterns(text: str, expected: set[str]) -> None:
    assert skills(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # tuned on the development set (labels/ai_skills_dev.csv), never on the evaluation set
        ("Build AI voicebot for outbound calling", {"chatbot_development"}),
        ("The bot will then text customer the news: a telegram bot", {"chatbot_development"}),
        ("Work on an exciting AI virtual assistant project", {"chatbot_development"}),
        ("Configure and integrate Azure Health Bot", {"chatbot_development"}),
        # at one position the first skill listed wins (ai_skills.toml): app before ML
        ("It s a ML based YouTube analytical tool", {"ai_app_development"}),
        ("Develop the next cutting-edge AI tool for marketing", {"ai_app_development"}),
        ("Build a generative AI tool which will help us", {"ai_app_development"}),
        # the client using tools is not building one
        ("Artists who use generative AI tools to visualise ideas", set()),
        ("Create images using AI-based tools", set()),
        ("Machine Learning App Expert to build an inspection app", {"ai_app_development"}),
        ("Implement a StyleSync like model for lip sync", {"ai_image_video_generation"}),
        ("integrating with an LLM and a talking head avatar", {"llm_api_integration",
                                                               "ai_image_video_generation"}),
        ("Colourlab AI is a leader in AI image processing", set()),
        # a link's words are an address: channels and articles named in URLs are not the work
        ("Script writer like https://www.youtube.com/@OpenAI/featured", set()),
        ("see https://medium.com/codex/build-a-machine-for-llm-and-ai", set()),
        ("Experience with OpenAI or similar platforms is highly desirable", set()),
    ],
)  # fmt: skip
def test_patterns_from_the_development_set(text: str, expected: set[str]) -> None:
    assert skills(text) == expected


def write_set(root: Path, items: list[dict]) -> Path:
    folder = root / "upwork-rss-ai-2023"
    folder.mkdir(parents=True)
    (folder / "upwork_rss_ai_ml_2023.json").write_text(json.dumps(items), encoding="utf-8")
    return root


ITEMS = [
    {"title": "Chatbot for our shop - Upwork", "link": "%7Ea1", "content": "Build a chatbot.<br />",
     "category": "Machine Learning", "skills": ["Machine Learning"]},
    {"title": "Logo - Upwork", "link": "%7Ea2", "content": "Make a logo.", "category": "",
     "skills": ["Artificial Intelligence"]},
    {"title": "ML engineer - Upwork", "link": "%7Ea3", "content": "Train a PyTorch model.",
     "category": "", "skills": []},
]  # fmt: skip


def test_evaluation_counts_by_hand(tmp_path: Path) -> None:
    data = write_set(tmp_path / "data", ITEMS)
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "set,id,skills\n"
        "upwork-rss-ai-2023,%7Ea1,chatbot_development;machine_learning\n"
        "upwork-rss-ai-2023,%7Ea2,\n"
        "upwork-rss-ai-2023,%7Ea3,machine_learning\n",
        encoding="utf-8",
    )
    result = evaluate_skills(labels, data)
    assert result["n"] == 3
    chat, ml = result["per_skill"]["chatbot_development"], result["per_skill"]["machine_learning"]
    assert (chat["tp"], chat["tagged"], chat["positives"]) == (1, 1, 1)
    # posting 1's footer says Machine Learning, its text does not: a miss, not a hit
    assert (ml["tp"], ml["tagged"], ml["positives"], ml["recall"]) == (1, 1, 2, 0.5)
    assert result["errors"] == [
        {"id": "upwork-rss-ai-2023/%7Ea1", "missed": ["machine_learning"], "extra": []}
    ]


def test_eval_skills_cli_names_the_bad_row(tmp_path: Path) -> None:
    data = write_set(tmp_path / "data", ITEMS)
    labels = tmp_path / "labels.csv"
    labels.write_text("set,id,skills\nupwork-rss-ai-2023,%7Ea1,chat_stuff\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(cli, ["eval", "skills", str(labels), "--data", str(data)])
    assert out.exit_code == 1 and "labels.csv:2: unknown skill(s) ['chat_stuff']" in out.output
    labels.write_text("set,id,skills\nupwork-rss-ai-2023,%7Ezz,\n", encoding="utf-8")
    out = runner.invoke(cli, ["eval", "skills", str(labels), "--data", str(data), "--json"])
    assert out.exit_code == 1 and "posting upwork-rss-ai-2023/%7Ezz not found" in out.output


def test_shipped_labels_are_ids_only_and_cover_300_postings() -> None:
    rows = read_labels(LABELS_FILE)
    assert len(rows) >= 300 and len({(s, i) for s, i, _ in rows}) == len(rows)
    assert all(len(i) < 40 for _, i, _ in rows)  # ids, never texts
    assert (LABELS_FILE.parent / "LABELLING.md").exists()


def test_development_labels_are_fresh_postings() -> None:
    """The set the patterns were tuned on shares no posting with the evaluation set."""
    dev = read_labels(LABELS_FILE.parent / "ai_skills_dev.csv")
    assert len(dev) >= 150 and len({(s, i) for s, i, _ in dev}) == len(dev)
    assert not {(s, i) for s, i, _ in dev} & {(s, i) for s, i, _ in read_labels(LABELS_FILE)}
    assert all(len(i) < 40 for _, i, _ in dev)  # ids, never texts


def test_development_texts_are_not_reposts_of_evaluation_postings() -> None:
    """A repost (another id, the same title and description) in both sets would leak the test
    set into tuning: no development text equals an evaluation text."""
    if not (SHARED_DATA / "upwork-rss-ai-2023").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    dev = read_labels(LABELS_FILE.parent / "ai_skills_dev.csv")
    evaluation = read_labels(LABELS_FILE)
    texts = read_texts(SHARED_DATA, {s for s, _, _ in dev + evaluation})

    def body(key: tuple[str, str]) -> str:
        return parse_footer(texts[key])[0].strip()

    evaluation_bodies = {body((s, i)) for s, i, _ in evaluation}
    assert not [i for s, i, _ in dev if body((s, i)) in evaluation_bodies]


def test_hand_labelled_set_floors() -> None:
    if not (SHARED_DATA / "upwork-rss-ai-2023").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    out = CliRunner().invoke(cli, ["eval", "skills", str(LABELS_FILE), "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    # measured 0.882 / 0.828 (0.547 / 0.802 before issue 13): floors, not the numbers
    assert result["micro_precision"] >= 0.80 and result["micro_recall"] >= 0.72
    per = result["per_skill"]
    for slug in ("chatbot_development", "llm_api_integration", "machine_learning"):
        assert per[slug]["meets_target"] is True
