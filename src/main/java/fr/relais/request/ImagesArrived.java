package fr.relais.request;

/**
 * Published after the commit when images reach an exam already waiting or read ("new-images",
 * readerId the holder of its claim when it is being read) or when they raise a task after its
 * report ("late-images"). The worklist announces it to every instance's live pages. No patient data.
 */
public record ImagesArrived(long examId, long hospitalId, Long readerId, String what) {}
