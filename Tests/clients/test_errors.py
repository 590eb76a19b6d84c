"""The SDK's exception class for each simulated status (Prefer: code=N), retries switched off."""
import openai
import pytest

CASES = [
    (400, openai.BadRequestError), (401, openai.AuthenticationError), (402, openai.APIStatusError),
    (403, openai.PermissionDeniedError), (404, openai.NotFoundError), (409, openai.ConflictError),
    (422, openai.UnprocessableEntityError), (429, openai.RateLimitError), (500, openai.InternalServerError),
    (502, openai.InternalServerError), (503, openai.InternalServerError), (529, openai.InternalServerError),
]


@pytest.mark.parametrize("status,exception", CASES)
def test_each_status_raises_its_exception(client, status, exception):
    with pytest.raises(exception) as info:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}],
                                       extra_headers={"Prefer": f"code={status}"})
    assert info.value.status_code == status
    assert info.value.request_id.startswith("req_")


def test_rate_limit_is_retried_honouring_retry_after(base_url):
    client = openai.OpenAI(base_url=base_url + "/v1", api_key="sk-test", max_retries=2, _strict_response_validation=True)
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.with_raw_response.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}], extra_headers={"X-Understudy-Scenario": "rate-limit"})
    assert info.value.response.headers["retry-after"] == "1"
    assert info.value.code == "rate_limit_exceeded"


def test_429_twice_then_success_is_retried_to_success(base_url):
    """Tests/clients/scenarios.yaml: 429 twice, then pass; the SDK's third attempt succeeds."""
    client = openai.OpenAI(base_url=base_url + "/v1", api_key="sk-test", max_retries=2, _strict_response_validation=True)
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}], extra_headers={"x-scenario-test": "flaky"})
    assert raw.retries_taken == 2
    assert raw.parse().choices[0].message.content
