"""instructor (567-labs) against Understudy, in the modes users pick, as they would write it.

TOOLS and JSON_SCHEMA modes send a schema the API knows of (tools, response_format); JSON and
MD_JSON modes put the schema in the system prompt (MD_JSON also asks for a ```json block), so the
answer follows it only because Understudy reads the prompt as a model would (issue 20, item 4).
What is asserted is instructor's own validated result.
"""
import instructor
import pytest
from openai import OpenAI
from pydantic import BaseModel, Field


class User(BaseModel):
    name: str = Field(description="The user's name")
    age: int = Field(description="The user's age in years")


class Order(BaseModel):
    items: list[str]
    total: float
    customer: User


MODES = [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA, instructor.Mode.JSON, instructor.Mode.MD_JSON]


@pytest.fixture(params=MODES, ids=lambda mode: mode.name)
def client(request, understudy_url: str):
    return instructor.from_openai(OpenAI(base_url=understudy_url + "/v1", api_key="sk-test", max_retries=0), mode=request.param)


@pytest.mark.parametrize("model", [User, Order])
def test_structured_result(client, model):
    result = client.chat.completions.create(
        model="gpt-4o", response_model=model, max_retries=0,
        messages=[{"role": "user", "content": "Jason is 25 years old and ordered two books for 30 dollars."}])
    assert isinstance(result, model)
    assert model.model_validate(result.model_dump()).model_dump() == result.model_dump()
