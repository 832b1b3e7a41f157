package fr.relais.ai;

/**
 * The radiologist's word on one AI result at signature: {@code present} true confirms the
 * finding, false rejects it.
 */
public record AiReview(Long resultId, Boolean present) {}
