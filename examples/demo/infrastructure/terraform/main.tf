terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }
  backend "gcs" {
    bucket = "acme-terraform-state"
  }
}

provider "google" {
  project = "acme-prod"
  region  = "europe-west1"
}

module "gke" {
  source  = "terraform-google-modules/kubernetes-engine/google"
  version = "~> 33.0"

  project_id = "acme-prod"
  name       = "prod"
}

module "dns" {
  source = "git::https://github.com/acme/terraform-modules.git//dns?ref=main"
}
