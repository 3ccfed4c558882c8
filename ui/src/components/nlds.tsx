// NL Design System (Utrecht) components used by the app.
//
// The interactive ones come from the per-component @utrecht/*-react packages. The monolithic
// @utrecht/component-library-react is NOT used: its single index module has top-level side
// effects, so a bundler keeps all ~100 components (+ ~300 kB). The few plain ones below render
// exactly the library's markup and class names, so the Utrecht CSS styles them the same.
import { forwardRef } from "react";
import type { AnchorHTMLAttributes, HTMLAttributes, TextareaHTMLAttributes } from "react";

export { Button } from "@utrecht/button-react";
export { ButtonGroup } from "@utrecht/button-group-react";
export { Checkbox } from "@utrecht/checkbox-react";
export { FieldsetLegend } from "@utrecht/fieldset-react";
export { FormField } from "@utrecht/form-field-react";
export { FormFieldDescription } from "@utrecht/form-field-description-react";
export { FormFieldErrorMessage } from "@utrecht/form-field-error-message-react";
export { FormLabel } from "@utrecht/form-label-react";
export { RadioButton } from "@utrecht/radio-button-react";
export { Textbox } from "@utrecht/textbox-react";

function cx(...c: (string | false | null | undefined)[]): string {
  return c.filter(Boolean).join(" ");
}

export type AlertType = "info" | "ok" | "warning" | "error";

/** utrecht-alert. `role` (alert/status) goes on the message, as in the library; none by default. */
export const Alert = forwardRef<HTMLDivElement, HTMLAttributes<HTMLDivElement> & { type?: AlertType }>(
  function Alert({ type = "info", role, className, children, ...rest }, ref) {
    return (
      <div ref={ref} {...rest} className={cx("utrecht-alert", `utrecht-alert--${type}`, className)}>
        <div className="utrecht-alert__content">
          <div className="utrecht-alert__message" role={role}>
            {children}
          </div>
        </div>
      </div>
    );
  },
);

type H = HTMLAttributes<HTMLHeadingElement>;
export const Heading1 = forwardRef<HTMLHeadingElement, H>(function Heading1({ className, children, ...p }, ref) {
  return (
    <h1 ref={ref} {...p} className={cx("utrecht-heading-1", className)}>
      {children}
    </h1>
  );
});
export const Heading2 = forwardRef<HTMLHeadingElement, H>(function Heading2({ className, children, ...p }, ref) {
  return (
    <h2 ref={ref} {...p} className={cx("utrecht-heading-2", className)}>
      {children}
    </h2>
  );
});
export function Heading3({ className, children, ...p }: H) {
  return (
    <h3 {...p} className={cx("utrecht-heading-3", className)}>
      {children}
    </h3>
  );
}
export const Heading4 = forwardRef<HTMLHeadingElement, H>(function Heading4({ className, children, ...p }, ref) {
  return (
    <h4 ref={ref} {...p} className={cx("utrecht-heading-4", className)}>
      {children}
    </h4>
  );
});
export function Heading5({ className, children, ...p }: H) {
  return (
    <h5 {...p} className={cx("utrecht-heading-5", className)}>
      {children}
    </h5>
  );
}

export function Paragraph({ className, ...p }: HTMLAttributes<HTMLParagraphElement>) {
  return <p {...p} className={cx("utrecht-paragraph", className)} />;
}

export function StatusBadge({ status, className, ...p }: HTMLAttributes<HTMLSpanElement> & { status?: string }) {
  return (
    <span {...p} className={cx("utrecht-status-badge", `utrecht-status-badge--${status ?? "neutral"}`, className)} />
  );
}

export function SkipLink({ className, children, ...p }: AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a {...p} className={cx("utrecht-skip-link", "utrecht-skip-link--visible-on-focus", className)}>
      {children}
    </a>
  );
}

export const Textarea = forwardRef<
  HTMLTextAreaElement,
  TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean }
>(function Textarea({ className, invalid, disabled, readOnly, required, dir, ...p }, ref) {
  return (
    <textarea
      ref={ref}
      {...p}
      dir={dir ?? "auto"}
      disabled={disabled}
      readOnly={readOnly}
      aria-required={required || undefined}
      className={cx(
        "utrecht-textarea",
        "utrecht-textarea--html-textarea",
        disabled && "utrecht-textarea--disabled",
        invalid && "utrecht-textarea--invalid",
        readOnly && "utrecht-textarea--readonly",
        required && "utrecht-textarea--required",
        className,
      )}
    />
  );
});
