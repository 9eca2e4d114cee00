"""A stream event whose data is JSON but no object is read as an object with no fields, never a crash."""

from chatconform.dialects import dialect_named
from chatconform.model.exchange import NOT_JSON, Exchange, Request, Response

START = 'event: message_start\ndata: {"type": "message_start", "message": {"content": []}}\n\n'


def anthropic_stream(*events: str) -> Exchange:
    body = (START + "".join(events)).encode()
    return Exchange(
        Request("POST", "https://api.anthropic.com/v1/messages", {}, b'{"stream": true}'),
        Response(200, {"content-type": "text/event-stream"}, body),
    )


def test_a_content_block_event_with_a_list_for_data_is_a_grammar_finding():
    ex = anthropic_stream("event: content_block_start\ndata: [1]\n\n")
    found = dialect_named("anthropic-messages").grammar(ex)
    assert [(f.at, f.received) for f in found if f.at.startswith("$events[1]")] == [
        ("$events[1].index", "null")
    ]


def test_an_error_event_whose_data_is_not_json_is_itself_the_in_band_error():
    ex = anthropic_stream("event: error\ndata: overloaded\n\n")
    assert dialect_named("anthropic-messages").in_band_errors(ex) == [(1, NOT_JSON)]
