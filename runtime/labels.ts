// Class names for `netc run --labels imagenet`: torchvision's ImageNet categories, in
// index order (torchvision.models._meta._IMAGENET_CATEGORIES), kept as data in
// imagenet-classes.json (copied to dist/ by tsc, inlined into the bundle by esbuild).
import IMAGENET_CLASSES from "./imagenet-classes.json" with { type: "json" };

export const imagenetClasses = (): string[] => [...(IMAGENET_CLASSES as string[])];
