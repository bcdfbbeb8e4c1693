package dev.starfall.gateway;

/** Body of every error answer: {@code {"error": code, "message": text}}. */
public record ApiError(String error, String message) {
}
