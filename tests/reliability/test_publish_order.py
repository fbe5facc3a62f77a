"""The publish rule the fuzzer holds Forge to, on hand-written sequences (it must be able to
fail, or the fuzzer proves nothing)."""

from tests.reliability.publish_order import PublishOrder

URI = "file:///a.py"
OTHER = "file:///b.py"


def test_publishes_of_current_versions_pass():
    order = PublishOrder()
    order.opened(URI, 1)
    order.published(URI, 1, 2)
    order.changed(URI, 2)
    order.changed(URI, 3)
    order.published(URI, 3, 0)
    order.published(URI, 3, 1)  # a second check of the same version (save, settings)
    order.closed(URI)
    order.published(URI, None, 0)
    assert order.violations == []


def test_a_publish_may_lag_behind_what_the_client_sent():
    order = PublishOrder()
    order.opened(URI, 1)
    order.changed(URI, 2)
    order.published(URI, 1, 0)  # the server had not handled version 2 yet
    order.published(URI, 2, 0)
    assert order.violations == []


def test_a_version_older_than_the_last_publish_is_stale():
    order = PublishOrder()
    order.opened(URI, 1)
    order.changed(URI, 2)
    order.published(URI, 2, 0)
    order.published(URI, 1, 0)
    assert len(order.violations) == 1
    assert "version 1" in order.violations[0]


def test_the_lower_bound_holds_across_documents():
    order = PublishOrder()
    order.opened(URI, 1)
    order.opened(OTHER, 1)
    order.changed(URI, 2)
    order.published(URI, 2, 0)  # so the server had handled OTHER's open
    order.changed(OTHER, 2)
    order.published(OTHER, 1, 0)  # fine: OTHER's change may not be handled yet
    order.closed(OTHER)
    order.published(OTHER, None, 0)
    order.published(OTHER, 2, 0)  # after the close was handled: wrong
    assert len(order.violations) == 1


def test_nothing_is_published_for_a_closed_document():
    order = PublishOrder()
    order.opened(URI, 1)
    order.closed(URI)
    order.published(URI, None, 0)
    order.published(URI, 1, 3)
    assert len(order.violations) == 1


def test_versions_never_sent_and_versionless_findings_are_wrong():
    order = PublishOrder()
    order.opened(URI, 1)
    order.published(URI, 7, 0)
    order.published(URI, None, 2)
    assert len(order.violations) == 2


def test_a_reopened_document_starts_again():
    order = PublishOrder()
    order.opened(URI, 1)
    order.changed(URI, 2)
    order.closed(URI)
    order.opened(URI, 1)
    order.published(URI, None, 0)
    order.published(URI, 1, 0)
    assert order.violations == []


def test_a_versionless_publish_needs_a_close():
    order = PublishOrder()
    order.published(URI, None, 0)
    order.opened(OTHER, 1)
    order.closed(OTHER)
    order.published(OTHER, None, 0)  # closing a document never opened is still a close
    assert len(order.violations) == 1
    assert URI in order.violations[0]


def test_after_an_answer_an_older_version_is_stale():
    order = PublishOrder()
    order.opened(URI, 1)
    order.changed(URI, 2)
    order.answered(len(order.sent))  # a hover sent after version 2 was answered
    order.published(URI, 1, 0)
    assert len(order.violations) == 1
